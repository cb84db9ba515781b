package io.orderflow.inventory;

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

/** Requests as the engine puts them on inventory.requests: an OrderEvent whose body is an EffectRequested. */
final class Requests {
    private Requests() {}

    static OrderEvent reserve(String orderId, String requestId, List<Line> lines) {
        return request(orderId, lines, requested(requestId, Transition.CONFIRM, Effect.RESERVE_STOCK, false, null));
    }

    /** A cancel's release: {@code target} null releases everything the order holds. */
    static OrderEvent release(String orderId, String requestId, String target) {
        return request(orderId, List.of(), requested(requestId, Transition.CANCEL, Effect.RELEASE_STOCK, true, target));
    }

    static OrderEvent deduct(String orderId, String requestId, List<Line> lines) {
        return request(orderId, lines, requested(requestId, Transition.SHIP, Effect.DEDUCT_STOCK, false, null));
    }

    static OrderEvent restore(String orderId, String requestId, List<Line> lines) {
        return request(orderId, lines, requested(requestId, Transition.UNSHIP, Effect.RESTORE_STOCK, false, null));
    }

    static EffectRequested requested(String requestId, Transition transition, Effect effect, boolean compensation,
                                     String target) {
        return EffectRequested.newBuilder()
                .setRequestId(requestId)
                .setTransition(transition)
                .setEffect(effect)
                .setCompensation(compensation)
                .setTargetRequestId(target)
                .setDeadline(Instant.now().plus(Duration.ofMinutes(5)))
                .build();
    }

    static OrderEvent request(String orderId, List<Line> lines, EffectRequested request) {
        Instant now = Instant.now();
        Money price = new Money(1_250L, "EUR");
        List<OrderLine> orderLines = lines.stream().map(l -> new OrderLine(l.sku(), l.quantity(), price)).toList();
        OrderSnapshot order = OrderSnapshot.newBuilder()
                .setOrderId(orderId)
                .setState(OrderState.PENDING)
                .setVersion(1)
                .setDetails(new OrderDetails("c-1", "c-1@example.com", orderLines, "tok_visa", "1 Main St"))
                .setTotal(new Money(price.getAmountMinor() * lines.stream().mapToInt(Line::quantity).sum(), "EUR"))
                .setPlacedAt(now)
                .setUpdatedAt(now)
                .build();
        return EffectRequests.event(order, request);
    }
}
