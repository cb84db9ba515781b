package io.orderflow.loadtest;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The commands load runs send: orders of 1–3 lines over SKU-1..SKU-n, paid with a card the sandbox accepts. */
public final class Orders {
    private Orders() {
    }

    /** A customer's place command for {@code orderId}, its lines drawn from {@code random}. */
    public static OrderCommand place(String orderId, int skus, Random random) {
        int lineCount = 1 + random.nextInt(3);
        List<OrderLine> lines = new ArrayList<>();
        for (int i = 0; i < lineCount; i++) {
            lines.add(new OrderLine("SKU-" + (1 + random.nextInt(skus)), 1 + random.nextInt(2),
                    new Money(500L + random.nextInt(5_000), "EUR")));
        }
        String customer = "load-customer-" + random.nextInt(1_000);
        return OrderCommand.newBuilder()
                .setCommandId(orderId + "-place").setOrderId(orderId).setTransition(Transition.PLACE)
                .setActor(new Actor(customer, Role.CUSTOMER)).setCorrelationId(orderId).setIssuedAt(Instant.now())
                .setDetails(new OrderDetails(customer, customer + "@example.com", lines, "pm_card_ok",
                        "Load Tester, 1 Test Street, 10115 Berlin, DE"))
                .build();
    }

    /** An admin's command to take {@code orderId} through {@code transition} (for the engine alone, in direct mode). */
    public static OrderCommand by(String orderId, Transition transition) {
        return OrderCommand.newBuilder()
                .setCommandId(orderId + "-" + transition.name().toLowerCase()).setOrderId(orderId)
                .setTransition(transition).setActor(new Actor("bench-admin", Role.ADMIN)).setCorrelationId(orderId)
                .setIssuedAt(Instant.now()).build();
    }
}
