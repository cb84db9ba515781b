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
    private static final int DIGITS = 19;

    private DeadlineKey() {}

    static Optional<String> of(Order order, OrderMachine machine) {
        return order.deadline(machine.rules().timeouts()).map(at -> key(at, order.id()));
    }

    static String upTo(Instant now) {
        return padded(now.toEpochMilli()) + "|\uffff";
    }

    /** When the deadline of {@code key} falls. */
    static Instant at(String key) {
        return Instant.ofEpochMilli(Long.parseLong(key.substring(0, DIGITS)));
    }

    private static String key(Instant at, String orderId) {
        return padded(Math.max(0, at.toEpochMilli())) + "|" + orderId;
    }

    /** Zero-padded to a fixed width, so keys sort by time; written out by hand, as String.format is slow per record. */
    private static String padded(long millis) {
        String digits = Long.toString(millis);
        return "0".repeat(DIGITS - digits.length()) + digits;
    }
}
