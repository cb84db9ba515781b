package io.orderflow.shipping.tracking;

import io.orderflow.common.config.Config;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks the carrier's webhook signature as Stripe's and Shippo's receivers do: {@code X-Carrier-Signature: t=<unix
 * seconds>,v1=<hex HMAC-SHA256 over "t.body" with the shared secret>}. A webhook is refused when it is unsigned, its
 * signature does not match, its timestamp is more than the tolerance (5 min) away from now, or its signature was
 * seen before within the tolerance (a replay). The carrier signs every delivery attempt afresh, so its own
 * redeliveries are never replays; it also repeats the event id, on which the tracking updates dedupe.
 */
public final class WebhookSignature {
    public static final String HEADER = "X-Carrier-Signature";
    public static final String SECRET_SETTING = "ORDERFLOW_CARRIER_WEBHOOK_SECRET";
    public static final Duration TOLERANCE = Duration.ofMinutes(5);
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    private final Clock clock;
    /** Signatures accepted within the tolerance, with their timestamps; older ones are dropped as they expire. */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private volatile Instant nextPrune = Instant.MIN;

    public WebhookSignature(String secret, Clock clock) {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException(SECRET_SETTING + " is not set: the shipping worker needs the secret it"
                    + " shares with the carrier to check the tracking webhooks' signatures");
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
        this.clock = clock;
    }

    public static WebhookSignature from(Config config, Clock clock) {
        return new WebhookSignature(config.find(SECRET_SETTING).orElse(null), clock);
    }

    /** Empty when {@code body} with this signature header may be processed (and it is now remembered); else why not. */
    public Optional<String> refusal(String header, String body) {
        if (header == null || header.isBlank()) {
            return Optional.of("unsigned: no " + HEADER + " header");
        }
        Long timestamp = null;
        String signature = null;
        for (String part : header.split(",")) {
            String[] kv = part.trim().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                timestamp = parseLong(kv[1]);
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                signature = kv[1];
            }
        }
        if (timestamp == null || signature == null) {
            return Optional.of("malformed " + HEADER + " header: expected t=<unix seconds>,v1=<hex HMAC-SHA256>");
        }
        byte[] expected = sign(timestamp, body == null ? "" : body);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(signature);
        } catch (IllegalArgumentException e) {
            return Optional.of("bad signature: v1 is not hex");
        }
        if (!MessageDigest.isEqual(expected, given)) {
            return Optional.of("bad signature: it does not match the body and timestamp under the shared secret");
        }
        Instant now = clock.instant();
        Instant signedAt = Instant.ofEpochSecond(timestamp);
        if (Duration.between(signedAt, now).abs().compareTo(TOLERANCE) > 0) {
            return Optional.of("stale: signed at " + signedAt + ", more than " + TOLERANCE.toMinutes()
                    + " min from now (" + now + ")");
        }
        prune(now);
        if (seen.putIfAbsent(signature, signedAt) != null) {
            return Optional.of("replayed: this signature was received before");
        }
        return Optional.empty();
    }

    /** The header value the carrier sends for {@code body} signed at {@code epochSecond} (for tests and tools). */
    public String header(long epochSecond, String body) {
        return "t=" + epochSecond + ",v1=" + HexFormat.of().formatHex(sign(epochSecond, body));
    }

    private byte[] sign(long epochSecond, String body) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal((epochSecond + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JVM has " + ALGORITHM, e);
        }
    }

    /** Forgets signatures too old to pass the timestamp check anyway; at most once a second. */
    private void prune(Instant now) {
        if (now.isBefore(nextPrune)) {
            return;
        }
        nextPrune = now.plusSeconds(1);
        Instant oldest = now.minus(TOLERANCE);
        seen.values().removeIf(signedAt -> signedAt.isBefore(oldest));
    }

    private static Long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
