package io.orderflow.audit.log;

import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;

/** Turns an order event or a worker outcome into the audit row that records it. Pure: no I/O, no clock. */
public final class AuditEntries {
    private AuditEntries() {}

    /**
     * An order event. A state change records its own from, to and reason; a request or an update leaves the order
     * where it was, so from and to are both the order's (unchanged) state.
     */
    public static AuditEntry of(OrderEvent event, String topic, String principal) {
        String state = event.getOrder().getState().name();
        Object body = event.getBody();
        if (body instanceof StateChanged change) {
            return orderEntry(event, topic, EventKind.STATE_CHANGED, name(change.getTransition()),
                    name(change.getFromState()), change.getToState().name(), null, null, null, change.getReason(),
                    principal);
        }
        if (body instanceof EffectRequested request) {
            return orderEntry(event, topic, EventKind.EFFECT_REQUESTED, name(request.getTransition()), state, state,
                    request.getEffect().name(), request.getRequestId(), null, null, principal);
        }
        if (body instanceof TransitionUpdate update) {
            return orderEntry(event, topic, EventKind.TRANSITION_UPDATE, name(update.getTransition()), state, state,
                    null, null, update.getStatus().name(), update.getReason(), principal);
        }
        throw new IllegalArgumentException("event " + event.getEventId() + " has an unknown body "
                + (body == null ? "null" : body.getClass().getSimpleName()));
    }

    /**
     * A worker's outcome. Its actor is the worker ({@code component}, role SYSTEM), its cause the request it answers,
     * and its correlation id that of the request ({@code null} if the request has not been audited).
     */
    public static AuditEntry of(EffectOutcome outcome, String topic, String component, String correlationId,
                                String principal) {
        return new AuditEntry(outcome.getOutcomeId(), outcome.getOrderId(), topic, EventKind.EFFECT_OUTCOME, null,
                null, null, null, outcome.getEffect().name(), outcome.getRequestId(), outcome.getStatus().name(),
                component, Role.SYSTEM.name(), outcome.getReason(), correlationId, outcome.getRequestId(),
                outcome.getOccurredAt(), AvroJson.of(outcome), principal);
    }

    private static AuditEntry orderEntry(OrderEvent event, String topic, EventKind kind, String transition,
                                         String from, String to, String effect, String requestId, String status,
                                         String reason, String principal) {
        return new AuditEntry(event.getEventId(), event.getOrderId(), topic, kind, event.getVersion(), transition,
                from, to, effect, requestId, status, event.getActor().getUserId(), event.getActor().getRole().name(),
                reason, event.getCorrelationId(), event.getCausationId(), event.getOccurredAt(), AvroJson.of(event),
                principal);
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }
}
