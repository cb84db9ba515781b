package io.orderflow.engine;

import io.orderflow.domain.Order;
import io.orderflow.domain.OrderMachine;
import java.time.Instant;
import java.util.Optional;

/**
 * Keys of the deadline index: {@code <epoch millis, zero-padded>|<order id>}, so a range scan up to "now" finds
 * exactly the orders due, oldest first.
 */
final class DeadlineKey {
    static final String FIRST = "0";

    private DeadlineKey() {}

    static Optional<String> of(Order order, OrderMachine machine) {
        return order.deadline(machine.rules().timeouts()).map(at -> key(at, order.id()));
    }

    static String upTo(Instant now) {
        return String.format("%019d|\uffff", now.toEpochMilli());
    }

    private static String key(Instant at, String orderId) {
        return String.format("%019d|%s", Math.max(0, at.toEpochMilli()), orderId);
    }
}
