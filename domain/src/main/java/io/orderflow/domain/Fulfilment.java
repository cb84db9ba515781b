package io.orderflow.domain;

/** References at the outside systems: the payment capture, the shipping label and its tracking number. */
public record Fulfilment(String paymentReference, String labelId, String trackingNumber) {
    public static final Fulfilment NONE = new Fulfilment(null, null, null);

    Fulfilment withPayment(String reference) {
        return new Fulfilment(reference, labelId, trackingNumber);
    }

    Fulfilment withLabel(String label, String tracking) {
        return new Fulfilment(paymentReference, label, tracking);
    }
}
