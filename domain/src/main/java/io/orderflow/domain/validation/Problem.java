package io.orderflow.domain.validation;

/**
 * One thing wrong with an input: the field it concerns, named as on the wire ({@code orderId},
 * {@code lines[0].quantity}, {@code shippingAddress}), and a sentence for people that names the field and the limit.
 */
public record Problem(String field, String message) {
    @Override
    public String toString() {
        return message;
    }
}
