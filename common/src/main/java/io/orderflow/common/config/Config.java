package io.orderflow.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Settings from environment variables ({@code ORDERFLOW_*}) with local defaults, so every service starts on a
 * developer machine with no configuration at all. Tests layer their own values with {@link #with}.
 */
public final class Config {
    private final Map<String, String> values;

    private Config(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Config fromEnvironment() {
        return new Config(System.getenv());
    }

    public static Config of(Map<String, String> values) {
        return new Config(values);
    }

    public Config with(String key, String value) {
        Map<String, String> copy = new HashMap<>(values);
        copy.put(key, value);
        return new Config(copy);
    }

    public Optional<String> find(String key) {
        return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
    }

    public String get(String key, String defaultValue) {
        return find(key).orElse(defaultValue);
    }

    public int getInt(String key, int defaultValue) {
        return find(key).map(v -> parse(key, v, Integer::parseInt, "a whole number")).orElse(defaultValue);
    }

    public long getLong(String key, long defaultValue) {
        return find(key).map(v -> parse(key, v, Long::parseLong, "a whole number")).orElse(defaultValue);
    }

    /** Durations as {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 3d}, or ISO-8601 ({@code PT30S}). */
    public Duration getDuration(String key, Duration defaultValue) {
        return find(key).map(v -> parse(key, v, Config::duration, "a duration like 500ms, 30s, 5m, 2h or 3d"))
                .orElse(defaultValue);
    }

    // Settings every service shares.

    public String kafkaBootstrap() {
        return get("ORDERFLOW_KAFKA_BOOTSTRAP", "127.0.0.1:9092");
    }

    public String dbUrl() {
        return get("ORDERFLOW_DB_URL", "jdbc:postgresql://127.0.0.1:15432/orderflow");
    }

    public String dbUser() {
        return get("ORDERFLOW_DB_USER", "orderflow");
    }

    public String dbPassword() {
        return get("ORDERFLOW_DB_PASSWORD", "orderflow");
    }

    private interface Parser<T> {
        T parse(String text);
    }

    private static <T> T parse(String key, String value, Parser<T> parser, String expected) {
        try {
            return parser.parse(value.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(key + "='" + value + "' is not " + expected, e);
        }
    }

    private static Duration duration(String text) {
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(e);
            }
        }
        int split = 0;
        while (split < text.length() && Character.isDigit(text.charAt(split))) {
            split++;
        }
        long amount = Long.parseLong(text.substring(0, split));
        return switch (text.substring(split).trim()) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("unknown unit");
        };
    }
}
