package io.orderflow.common.worker;

import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OutcomeStatus;
import java.time.Instant;
import java.util.Locale;

/** Builds a worker's answer to a request; its id is derived from the request, so a re-run answers identically. */
public final class Outcomes {
    private Outcomes() {}

    public static EffectOutcome.Builder succeeded(OrderEvent event, EffectRequested request, Instant now) {
        return answer(event, request, OutcomeStatus.SUCCEEDED, null, now);
    }

    public static EffectOutcome.Builder failed(OrderEvent event, EffectRequested request, String reason, Instant now) {
        return answer(event, request, OutcomeStatus.FAILED, reason, now);
    }

    /** The request waits on an outside dependency (circuit open, business hours closed); the worker answers later. */
    public static EffectOutcome.Builder held(OrderEvent event, EffectRequested request, String reason, Instant now) {
        return answer(event, request, OutcomeStatus.HELD, reason, now);
    }

    private static EffectOutcome.Builder answer(OrderEvent event, EffectRequested request, OutcomeStatus status,
                                                String reason, Instant now) {
        return EffectOutcome.newBuilder()
                .setOutcomeId(request.getRequestId() + "-" + status.name().toLowerCase(Locale.ROOT))
                .setOrderId(event.getOrderId())
                .setRequestId(request.getRequestId())
                .setEffect(request.getEffect())
                .setStatus(status)
                .setReason(reason)
                .setOccurredAt(now)
                .setCorrelationId(event.getCorrelationId());
    }
}
