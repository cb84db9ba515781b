package io.orderflow.shipping;

/** A row of {@code shipments}: a label the carrier created for a request, and its last known tracking status. */
public record Shipment(String requestId, String orderId, String labelId, String trackingNumber, Status status) {

    /** The carrier's label statuses, in the order a parcel goes through them; VOIDED ends a label. */
    public enum Status {
        CREATED, IN_TRANSIT, DELIVERED, VOIDED;

        /** Whether a label in this status still exists for the customer (can be voided, will move). */
        public boolean isLive() {
            return this == CREATED || this == IN_TRANSIT;
        }
    }
}
