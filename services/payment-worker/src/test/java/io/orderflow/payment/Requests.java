package io.orderflow.payment;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/** The engine's payment requests as a test sends them to orders.events. */
final class Requests {
    private static final AtomicLong SEQ = new AtomicLong();

    private Requests() {}

    static String newOrderId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A request id the engine's way, {@code <orderId>-r<n>}, unique within the test run. */
    static String requestId(String orderId) {
        return orderId + "-r" + SEQ.incrementAndGet();
    }

    static OrderLine line(String sku, int quantity, long unitPriceMinor, String currency) {
        return new OrderLine(sku, quantity, new Money(unitPriceMinor, currency));
    }

    /** An order whose total is the sum of its lines; 2 x 12.50 + 1 x 4.99 EUR = 29.99 EUR by default. */
    static OrderSnapshot order(String orderId, String paymentMethod) {
        List<OrderLine> lines = List.of(line("SKU-1", 2, 1250, "EUR"), line("SKU-2", 1, 499, "EUR"));
        return order(orderId, paymentMethod, lines, new Money(2999L, "EUR"));
    }

    static OrderSnapshot order(String orderId, String paymentMethod, List<OrderLine> lines, Money total) {
        Instant now = Instant.now();
        OrderDetails details = new OrderDetails("c-" + orderId, orderId + "@example.com", lines, paymentMethod,
                "1 Main St");
        return OrderSnapshot.newBuilder()
                .setOrderId(orderId)
                .setState(OrderState.CONFIRMED)
                .setVersion(2)
                .setDetails(details)
                .setTotal(total)
                .setPlacedAt(now)
                .setUpdatedAt(now)
                .build();
    }

    static OrderEvent capture(OrderSnapshot order, String requestId) {
        return event(order, new EffectRequested(requestId, Transition.PAY, Effect.CAPTURE_PAYMENT, false, null,
                Instant.now().plus(Duration.ofMinutes(5))));
    }

    /** The VOID transition (target null: the order's capture) or a compensation undoing {@code target}. */
    static OrderEvent voidPayment(OrderSnapshot order, String requestId, String target) {
        return event(order, new EffectRequested(requestId, target == null ? Transition.VOID : Transition.PAY,
                Effect.VOID_PAYMENT, target != null, target, Instant.now().plus(Duration.ofMinutes(5))));
    }

    static OrderEvent refund(OrderSnapshot order, String requestId) {
        return event(order, new EffectRequested(requestId, Transition.REFUND, Effect.REFUND_PAYMENT, false, null,
                Instant.now().plus(Duration.ofMinutes(5))));
    }

    /** The same request in a new event, as after the engine asked again. */
    static OrderEvent again(OrderEvent event) {
        return OrderEvent.newBuilder(event).setEventId(UUID.randomUUID().toString()).build();
    }

    private static OrderEvent event(OrderSnapshot order, EffectRequested request) {
        Instant now = Instant.now();
        return OrderEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOrderId(order.getOrderId())
                .setVersion(order.getVersion())
                .setOccurredAt(now)
                .setCorrelationId("test-" + order.getOrderId())
                .setCausationId("cmd-" + request.getRequestId())
                .setActor(new Actor("engine", Role.SYSTEM))
                .setBody(request)
                .setOrder(order)
                .build();
    }
}
