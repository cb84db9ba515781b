package io.orderflow.payment;

import io.orderflow.common.worker.Outcomes;
import io.orderflow.payment.store.Payment;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.codec.AvroCodec;
import java.time.Instant;

/**
 * Builds the worker's answers with the shared {@link Outcomes} (ids derived from the request, so an answer given twice
 * is the same answer), from the request event kept in the payments row when the answer comes later.
 */
final class PaymentOutcomes {
    private final AvroCodec<OrderEvent> events = AvroCodec.of(OrderEvent.class);

    byte[] encode(OrderEvent event) {
        return events.encode(event);
    }

    EffectOutcome failed(OrderEvent event, EffectRequested request, String reason, Instant now) {
        return Outcomes.failed(event, request, reason, now).build();
    }

    EffectOutcome held(Payment payment, String reason, Instant now) {
        OrderEvent event = events.decode(payment.requestEvent());
        return Outcomes.held(event, (EffectRequested) event.getBody(), reason, now).build();
    }

    /**
     * The final answer a finished row gives. Reference: the charge for a capture and for a void (the charge it gave
     * back), the refund for a refund, as docs/protocol.md has it. The amount is what was taken or given back.
     */
    EffectOutcome finalOutcome(Payment payment, Instant now) {
        OrderEvent event = events.decode(payment.requestEvent());
        EffectRequested request = (EffectRequested) event.getBody();
        if (payment.status() == Payment.Status.FAILED) {
            return Outcomes.failed(event, request, payment.reason(), now).build();
        }
        EffectOutcome.Builder outcome = Outcomes.succeeded(event, request, now)
                .setReason(payment.reason())
                .setReference(payment.kind() == Payment.Kind.REFUND ? payment.refundId() : payment.chargeId());
        if (payment.amountMinor() != null && payment.currency() != null) {
            outcome.setAmount(new Money(payment.amountMinor(), payment.currency()));
        }
        return outcome.build();
    }
}
