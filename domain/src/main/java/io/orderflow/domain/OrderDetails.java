package io.orderflow.domain;

import java.util.List;

/** What the customer ordered, given once with the place command. */
public record OrderDetails(
        String customerId, String customerEmail, List<OrderLine> lines, String paymentMethod, String shippingAddress) {
    public OrderDetails {
        lines = List.copyOf(lines);
    }
}
