package io.orderflow.admin.orders;

import java.time.Instant;

/** One row of the orders list. */
public record OrderSummary(String orderId, String state, long version, String customerEmail, long totalMinor,
                           String currency, Instant placedAt, Instant updatedAt, String inFlight, String heldReason,
                           String flaggedReason) {
    public String total() {
        return Amounts.format(totalMinor, currency);
    }
}
