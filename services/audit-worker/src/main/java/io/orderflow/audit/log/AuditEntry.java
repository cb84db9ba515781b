package io.orderflow.audit.log;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * What one audit row says about one message, before it takes its place in the order's chain. Nullable fields are
 * those a kind of message does not have (an outcome has no order version; only a state change has a distinct
 * {@code toState}).
 *
 * @param status      an outcome's status (SUCCEEDED ...) or a transition update's (ROLLED_BACK, HELD, FLAGGED)
 * @param actorUserId a person's user id, or the name of the system component that acted
 * @param eventJson   the whole message, in Avro's JSON encoding
 * @param principal   the Kafka principal behind the message (its {@code orderflow.principal} header); null if none
 */
public record AuditEntry(String messageId, String orderId, String sourceTopic, EventKind kind, Long orderVersion,
                         String transition, String fromState, String toState, String effect, String requestId,
                         String status, String actorUserId, String actorRole, String reason,
                         String correlationId, String causationId, Instant occurredAt, String eventJson,
                         String principal) {
    public AuditEntry {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(actorUserId, "actorUserId");
        Objects.requireNonNull(actorRole, "actorRole");
        Objects.requireNonNull(occurredAt, "occurredAt");
        Objects.requireNonNull(eventJson, "eventJson");
    }

    /**
     * The entry exactly as it will read back from its row, the form the chain hashes: the event as PostgreSQL renders
     * it from jsonb, and the time in whole milliseconds (within timestamptz's precision, so it survives unchanged).
     */
    AuditEntry asStored(String canonicalEventJson) {
        return new AuditEntry(messageId, orderId, sourceTopic, kind, orderVersion, transition, fromState, toState,
                effect, requestId, status, actorUserId, actorRole, reason, correlationId, causationId,
                occurredAt.truncatedTo(ChronoUnit.MILLIS), canonicalEventJson, principal);
    }
}
