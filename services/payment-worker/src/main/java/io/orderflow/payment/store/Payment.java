package io.orderflow.payment.store;

import io.orderflow.schema.Effect;
import java.time.Instant;

/**
 * One request the payment worker was asked to perform, as the payments table holds it. Amounts are exact minor units.
 *
 * @param attempts    how often a worker set out to call the gateway for it; 0 means the gateway never heard of it
 * @param cancelledBy for a pending capture: the void that arrived before it completed, so it must not capture
 * @param undoneBy    for a succeeded capture: the void or refund that gave the money back
 */
public record Payment(
        String requestId,
        long seq,
        String orderId,
        Kind kind,
        Status status,
        String targetRequestId,
        Long amountMinor,
        String currency,
        String paymentMethod,
        String authorizationId,
        String chargeId,
        String refundId,
        String reason,
        String undoneBy,
        String cancelledBy,
        int attempts,
        Instant heldAt,
        byte[] requestEvent) {

    /** What a row asks of the gateway. */
    public enum Kind {
        CAPTURE, VOID, REFUND;

        public static Kind of(Effect effect) {
            return switch (effect) {
                case CAPTURE_PAYMENT -> CAPTURE;
                case VOID_PAYMENT -> VOID;
                case REFUND_PAYMENT -> REFUND;
                default -> throw new IllegalArgumentException(effect + " is not a payment effect");
            };
        }
    }

    /** PENDING until the request has its final answer. */
    public enum Status { PENDING, SUCCEEDED, FAILED }

    public boolean isFinal() {
        return status != Status.PENDING;
    }

    /** A capture whose money is still taken: succeeded and not given back. */
    public boolean isLiveCapture() {
        return kind == Kind.CAPTURE && status == Status.SUCCEEDED && undoneBy == null;
    }
}
