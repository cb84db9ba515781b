package io.orderflow.domain;

import io.orderflow.schema.Transition;
import java.util.OptionalLong;

/**
 * A request to take one transition on one order. {@code commandId} makes it idempotent; {@code expectedVersion},
 * when present, refuses it unless the order is still at that version; {@code details} is required by PLACE only;
 * {@code correlationId} ties together everything that follows from it.
 */
public record Command(
        String commandId,
        String orderId,
        Transition transition,
        OptionalLong expectedVersion,
        String reason,
        OrderDetails details,
        String correlationId) {

    public Command(String commandId, String orderId, Transition transition, OptionalLong expectedVersion, String reason,
                   OrderDetails details) {
        this(commandId, orderId, transition, expectedVersion, reason, details, commandId);
    }

    public static Command of(String commandId, String orderId, Transition transition) {
        return new Command(commandId, orderId, transition, OptionalLong.empty(), null, null);
    }

    public Command expecting(long version) {
        return new Command(commandId, orderId, transition, OptionalLong.of(version), reason, details, correlationId);
    }

    public Command because(String why) {
        return new Command(commandId, orderId, transition, expectedVersion, why, details, correlationId);
    }

    public Command with(OrderDetails orderDetails) {
        return new Command(commandId, orderId, transition, expectedVersion, reason, orderDetails, correlationId);
    }
}
