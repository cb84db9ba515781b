package io.orderflow.engine;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Builds wire commands for tests. */
final class Commands {
    private Commands() {}

    static OrderCommand place(String orderId) {
        return command(orderId, Transition.PLACE, Role.CUSTOMER, "cus-1").setDetails(new OrderDetails("cus-1",
                "ann@example.com",
                List.of(new OrderLine("SKU-1", 2, new Money(1_250L, "EUR")), new OrderLine("SKU-2", 1, new Money(499L, "EUR"))),
                "pm_card_ok", "1 Main St, 62704 Springfield")).build();
    }

    static OrderCommand take(String orderId, Transition transition, Role role) {
        return command(orderId, transition, role, role.name().toLowerCase() + "-user").build();
    }

    static OrderCommand.Builder command(String orderId, Transition transition, Role role, String userId) {
        return OrderCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString())
                .setOrderId(orderId)
                .setTransition(transition)
                .setActor(new Actor(userId, role))
                .setCorrelationId("corr-" + orderId)
                .setIssuedAt(Instant.parse("2026-11-25T10:00:00Z"));
    }
}
