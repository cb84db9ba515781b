package io.orderflow.domain;

import io.orderflow.schema.Transition;
import java.util.OptionalLong;

/**
 * A request to take one transition on one order. {@code commandId} makes it idempotent; {@code expectedVersion},
 * when present, refuses it unless the order is still at that version; {@code details} is required by PLACE only.
 */
public record Command(
        String commandId,
        String orderId,
        Transition transition,
        OptionalLong expectedVersion,
        String reason,
        OrderDetails details) {

    public static Command of(String commandId, String orderId, Transition transition) {
        return new Command(commandId, orderId, transition, OptionalLong.empty(), null, null);
    }

    public Command expecting(long version) {
        return new Command(commandId, orderId, transition, OptionalLong.of(version), reason, details);
    }

    public Command because(String why) {
        return new Command(commandId, orderId, transition, expectedVersion, why, details);
    }

    public Command with(OrderDetails orderDetails) {
        return new Command(commandId, orderId, transition, expectedVersion, reason, orderDetails);
    }
}
