package io.orderflow.audit.log;

import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import java.time.ZoneOffset;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * The effect requests seen on the workers' request topics (older ones on orders.events), kept beside the audit log:
 * an outcome takes its correlation id from its request, the finance ledger an amount the outcome left out, and the
 * refund SLA check its start time.
 */
public final class EffectRequests {
    private static final String INSERT = """
            insert into effect_requests (request_id, order_id, effect, transition, compensation, order_total_minor,
                                         currency, payment_reference, correlation_id, requested_at)
            values (:requestId, :orderId, :effect, :transition, :compensation, :totalMinor, :currency,
                    :paymentReference, :correlationId, :requestedAt)
            on conflict (request_id) do nothing""";

    /** Keeps {@code request}, carried by {@code event}; a request seen before is left as it was. */
    public void record(Handle handle, OrderEvent event, EffectRequested request) {
        handle.createUpdate(INSERT)
                .bind("requestId", request.getRequestId())
                .bind("orderId", event.getOrderId())
                .bind("effect", request.getEffect().name())
                .bind("transition", request.getTransition().name())
                .bind("compensation", request.getCompensation())
                .bind("totalMinor", event.getOrder().getTotal().getAmountMinor())
                .bind("currency", event.getOrder().getTotal().getCurrency())
                .bind("paymentReference", event.getOrder().getPaymentReference())
                .bind("correlationId", event.getCorrelationId())
                .bind("requestedAt", event.getOccurredAt().atOffset(ZoneOffset.UTC))
                .execute();
    }

    /** The correlation id of the command that led to {@code requestId}, if the request has been seen. */
    public Optional<String> correlationOf(Handle handle, String requestId) {
        if (requestId == null) {
            return Optional.empty();
        }
        return handle.createQuery("select correlation_id from effect_requests where request_id = :id")
                .bind("id", requestId)
                .mapTo(String.class)
                .findOne();
    }
}
