package io.orderflow.shipping.carrier;

/** A shipping label as the carrier holds it. {@code status}: CREATED, IN_TRANSIT, DELIVERED or VOIDED. */
public record Label(String labelId, String orderId, String trackingNumber, String status) {
}
