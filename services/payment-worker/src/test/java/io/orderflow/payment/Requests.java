package io.orderflow.payment;

import io.orderflow.common.testing.EffectRequests;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The engine's payment requests as a test sends them to payment.requests. */
final class Requests {
    private Requests() {}

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
        return EffectRequests.event(order, new EffectRequested(requestId, Transition.PAY, Effect.CAPTURE_PAYMENT,
                false, null, Instant.now().plus(Duration.ofMinutes(5))));
    }

    /** The VOID transition (target null: the order's capture) or a compensation undoing {@code target}. */
    static OrderEvent voidPayment(OrderSnapshot order, String requestId, String target) {
        Transition transition = target == null ? Transition.VOID : Transition.PAY;
        return EffectRequests.event(order, new EffectRequested(requestId, transition, Effect.VOID_PAYMENT,
                target != null, target, Instant.now().plus(Duration.ofMinutes(5))));
    }

    static OrderEvent refund(OrderSnapshot order, String requestId) {
        return EffectRequests.event(order, new EffectRequested(requestId, Transition.REFUND, Effect.REFUND_PAYMENT,
                false, null, Instant.now().plus(Duration.ofMinutes(5))));
    }
}
