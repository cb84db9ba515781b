package io.orderflow.audit.log;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The hash that chains an order's audit rows: SHA-256 (lower-case hex) over the previous row's hash and every
 * stored field of this row except {@code seq}. Each field is written as {@code <length>:<value>} ({@code -} for
 * null), so no choice of values can make two different rows encode alike.
 *
 * <p>The event enters as PostgreSQL's own text rendering of the jsonb column, since jsonb does not keep the JSON as
 * written (key order, spaces); the worker asks the database for that rendering before it hashes.
 */
public final class ChainHash {
    /** Changes if the encoding ever does, so rows hashed under an older encoding can still be told apart. */
    static final String FORMAT = "orderflow-audit-v1";

    private ChainHash() {}

    public static String of(String prevHash, AuditEntry entry, long chainIndex, Instant recordedAt) {
        StringBuilder content = new StringBuilder(256 + entry.eventJson().length());
        field(content, FORMAT);
        field(content, prevHash);
        field(content, entry.messageId());
        field(content, entry.orderId());
        field(content, Long.toString(chainIndex));
        field(content, entry.sourceTopic());
        field(content, entry.kind().name());
        field(content, entry.orderVersion() == null ? null : entry.orderVersion().toString());
        field(content, entry.transition());
        field(content, entry.fromState());
        field(content, entry.toState());
        field(content, entry.effect());
        field(content, entry.requestId());
        field(content, entry.status());
        field(content, entry.actorUserId());
        field(content, entry.actorRole());
        field(content, entry.reason());
        field(content, entry.correlationId());
        field(content, entry.causationId());
        field(content, micros(entry.occurredAt()));
        field(content, micros(recordedAt));
        field(content, entry.eventJson());
        if (entry.principal() != null) {
            // Added after the first rows were written: left out when absent, so those rows still verify.
            field(content, entry.principal());
        }
        return sha256(content.toString());
    }

    private static void field(StringBuilder content, String value) {
        if (value == null) {
            content.append("-,");
        } else {
            content.append(value.length()).append(':').append(value).append(',');
        }
    }

    /** Microseconds since the epoch: timestamptz's own precision, so a value read back hashes as written. */
    private static String micros(Instant instant) {
        return Long.toString(Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L),
                instant.getNano() / 1_000L));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
