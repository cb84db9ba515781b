package io.orderflow.sandbox;

/** A carrier tracking update as pushed to webhook subscribers; eventId stays the same across redeliveries. */
record TrackingEvent(String eventId, String type, String trackingNumber, String labelId, String orderId,
                     String status, String occurredAt) {
}
