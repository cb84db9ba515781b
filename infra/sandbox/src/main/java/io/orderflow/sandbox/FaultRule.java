package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

/** One fault-injection rule: which requests it matches, what it does to them, and how often. */
final class FaultRule {

    /** What the fault does to a matching request. */
    enum Kind {
        /** Wait {@code ms}, then handle normally. */
        LATENCY,
        /** Answer {@code status} without performing the operation. */
        STATUS,
        /** Close the connection without any response; nothing is performed. */
        DROP,
        /** Hold the request {@code ms} (longer than the client waits), then close; nothing is performed. */
        TIMEOUT,
        /** Perform and commit the operation, then lose the response ({@code respond}: status, drop or timeout). */
        AFTER_EFFECT
    }

    /** How an afterEffect rule loses the response of the operation it let through. */
    enum Respond { STATUS, DROP, TIMEOUT }

    private static final long DEFAULT_HOLD_MS = 30_000;

    final String id;
    final Kind kind;
    final String method;
    final String pathPrefix;
    final String route;
    final long ms;
    final int status;
    final Respond respond;
    final Integer times;
    final Double probability;
    private final AtomicInteger remaining;
    private final AtomicInteger applied = new AtomicInteger();

    private FaultRule(String id, Kind kind, String method, String pathPrefix, String route, long ms, int status,
                      Respond respond, Integer times, Double probability) {
        this.id = id;
        this.kind = kind;
        this.method = method;
        this.pathPrefix = pathPrefix;
        this.route = route;
        this.ms = ms;
        this.status = status;
        this.respond = respond;
        this.times = times;
        this.probability = probability;
        this.remaining = times == null ? null : new AtomicInteger(times);
    }

    static FaultRule fromJson(String id, JsonNode n) {
        if (!n.isObject()) {
            throw ApiException.badRequest("invalid_fault", "each fault rule must be a JSON object");
        }
        Kind kind = parseKind(Json.text(n, "kind"));
        String method = optionalText(n, "method");
        String pathPrefix = optionalText(n, "pathPrefix");
        String route = optionalText(n, "route");
        if (pathPrefix != null && !pathPrefix.startsWith("/")) {
            throw ApiException.badRequest("invalid_fault", "'pathPrefix' must start with /");
        }
        Respond respond = Respond.STATUS;
        if (kind == Kind.AFTER_EFFECT && optionalText(n, "respond") != null) {
            respond = parseEnum(Respond.class, optionalText(n, "respond"), "respond");
        }
        boolean holds = kind == Kind.TIMEOUT || (kind == Kind.AFTER_EFFECT && respond == Respond.TIMEOUT);
        long ms;
        if (kind == Kind.LATENCY) {
            ms = requiredLong(n, "ms");
        } else {
            ms = n.has("ms") ? requiredLong(n, "ms") : (holds ? DEFAULT_HOLD_MS : 0);
        }
        int status = n.has("status") ? (int) requiredLong(n, "status") : (kind == Kind.STATUS ? 503 : 500);
        if (status < 400 || status > 599) {
            throw ApiException.badRequest("invalid_fault", "'status' must be an error code 400-599, got " + status);
        }
        Integer times = n.has("times") ? (int) requiredLong(n, "times") : null;
        if (times != null && times < 1) {
            throw ApiException.badRequest("invalid_fault", "'times' must be at least 1");
        }
        Double probability = null;
        if (n.has("probability")) {
            if (!n.get("probability").isNumber()
                    || n.get("probability").asDouble() <= 0 || n.get("probability").asDouble() > 1) {
                throw ApiException.badRequest("invalid_fault", "'probability' must be a number in (0, 1]");
            }
            probability = n.get("probability").asDouble();
        }
        return new FaultRule(id, kind, method == null ? null : method.toUpperCase(Locale.ROOT), pathPrefix, route,
                ms, status, respond, times, probability);
    }

    private static Kind parseKind(String text) {
        String normalized = text.replace("_", "").replace("-", "").toLowerCase(Locale.ROOT);
        for (Kind k : Kind.values()) {
            if (k.name().replace("_", "").toLowerCase(Locale.ROOT).equals(normalized)) {
                return k;
            }
        }
        throw ApiException.badRequest("invalid_fault",
                "unknown fault kind '" + text + "'; use latency, status, drop, timeout or afterEffect");
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String text, String field) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text)) {
                return e;
            }
        }
        throw ApiException.badRequest("invalid_fault", "unknown '" + field + "' value '" + text + "'");
    }

    private static String optionalText(JsonNode n, String field) {
        return n.hasNonNull(field) ? Json.text(n, field) : null;
    }

    private static long requiredLong(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || v.asLong() < 0) {
            throw ApiException.badRequest("invalid_fault", "'" + field + "' must be a non-negative integer");
        }
        return v.asLong();
    }

    /** No method, prefix or route means "every request". */
    boolean matches(String requestMethod, String path, String matchedRoute) {
        return (method == null || method.equals(requestMethod))
                && (pathPrefix == null || path.startsWith(pathPrefix))
                && (route == null || route.equals(matchedRoute));
    }

    /** Decides whether this rule applies to the current request, consuming one of its {@code times} if so. */
    boolean tryFire(Random random) {
        if (probability != null && random.nextDouble() >= probability) {
            return false;
        }
        if (remaining != null) {
            int left;
            do {
                left = remaining.get();
                if (left <= 0) {
                    return false;
                }
            } while (!remaining.compareAndSet(left, left - 1));
        }
        applied.incrementAndGet();
        return true;
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("kind", kind == Kind.AFTER_EFFECT ? "afterEffect" : kind.name().toLowerCase(Locale.ROOT));
        m.put("method", method);
        m.put("pathPrefix", pathPrefix);
        m.put("route", route);
        if (kind == Kind.LATENCY || kind == Kind.TIMEOUT || (kind == Kind.AFTER_EFFECT && respond == Respond.TIMEOUT)) {
            m.put("ms", ms);
        }
        if (kind == Kind.STATUS || (kind == Kind.AFTER_EFFECT && respond == Respond.STATUS)) {
            m.put("status", status);
        }
        if (kind == Kind.AFTER_EFFECT) {
            m.put("respond", respond.name().toLowerCase(Locale.ROOT));
        }
        m.put("times", times);
        m.put("remaining", remaining == null ? null : remaining.get());
        m.put("probability", probability);
        m.put("applied", applied.get());
        return m;
    }
}
