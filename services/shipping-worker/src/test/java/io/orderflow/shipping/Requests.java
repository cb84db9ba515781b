package io.orderflow.shipping;

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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Engine requests as they appear on shipping.requests, for a paid order with two lines. */
final class Requests {
    static final String ADDRESS = "Ada Lovelace, 1 Analytical St, N1 9GU London, GB";

    private Requests() {}

    static OrderEvent createLabel(String orderId, String requestId) {
        return createLabel(orderId, requestId, ADDRESS);
    }

    static OrderEvent createLabel(String orderId, String requestId, String address) {
        return event(orderId, address, EffectRequested.newBuilder()
                .setRequestId(requestId)
                .setTransition(Transition.SHIP)
                .setEffect(Effect.CREATE_LABEL)
                .setCompensation(false)
                .setTargetRequestId(null)
                .setDeadline(Instant.now().plus(1, ChronoUnit.HOURS))
                .build());
    }

    /** Undoes {@code targetRequestId}'s label; null = every label of the order. */
    static OrderEvent voidLabel(String orderId, String requestId, String targetRequestId) {
        return event(orderId, ADDRESS, EffectRequested.newBuilder()
                .setRequestId(requestId)
                .setTransition(Transition.UNSHIP)
                .setEffect(Effect.VOID_LABEL)
                .setCompensation(true)
                .setTargetRequestId(targetRequestId)
                .setDeadline(Instant.now().plus(1, ChronoUnit.HOURS))
                .build());
    }

    private static OrderEvent event(String orderId, String address, EffectRequested request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Money price = new Money(1250L, "EUR");
        OrderSnapshot order = OrderSnapshot.newBuilder()
                .setOrderId(orderId)
                .setState(OrderState.PAID)
                .setVersion(3)
                .setDetails(OrderDetails.newBuilder()
                        .setCustomerId("c-7")
                        .setCustomerEmail("ada@example.com")
                        .setLines(List.of(new OrderLine("SKU-1", 2, price), new OrderLine("SKU-2", 1, price)))
                        .setPaymentMethod("pm_card_ok")
                        .setShippingAddress(address)
                        .build())
                .setTotal(new Money(3750L, "EUR"))
                .setPlacedAt(now)
                .setUpdatedAt(now)
                .setPaymentReference("ch_test")
                .build();
        return EffectRequests.event(order, request);
    }
}
