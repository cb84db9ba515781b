package io.orderflow.admin.orders;

import java.time.Instant;
import java.util.List;

/** An order as the order page shows it: the projected row, its lines and its history. */
public record OrderDetail(String orderId, String state, long version, String customerId, String customerEmail,
                          String paymentMethod, String shippingAddress, long totalMinor, String currency,
                          Instant placedAt, Instant updatedAt, Instant stateSince, String paymentReference,
                          String labelId, String trackingNumber, String trackingStatus, String note, String inFlight,
                          String inFlightEffect, String inFlightRequest, Instant inFlightSince,
                          Instant inFlightDeadline, String inFlightActor, String inFlightRole, String heldReason,
                          String flaggedReason, List<Line> lines, List<HistoryEntry> history) {

    public record Line(String sku, int quantity, long unitMinor, String currency) {
        public String unitPrice() {
            return Amounts.format(unitMinor, currency);
        }

        public String subtotal() {
            return Amounts.format(unitMinor * quantity, currency);
        }
    }

    public record HistoryEntry(String eventId, long version, Instant occurredAt, String kind, String transition,
                               String fromState, String toState, String effect, String reason, String actorId,
                               String actorRole) {}

    /** What the order holds of the stock, as its state implies (the inventory worker acts on each transition). */
    public String stock() {
        if ("CONFIRM".equals(inFlight)) {
            return "reservation in flight";
        }
        return switch (state) {
            case "PENDING" -> "not reserved";
            case "CONFIRMED", "PAID" -> "reserved, all lines";
            case "SHIPPED", "DELIVERED" -> "taken from stock (shipped)";
            default -> "released";
        };
    }

    public String total() {
        return Amounts.format(totalMinor, currency);
    }
}
