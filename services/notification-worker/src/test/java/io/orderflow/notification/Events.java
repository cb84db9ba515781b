package io.orderflow.notification;

import io.orderflow.schema.Actor;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Effect;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the OrderEvents the engine emits, for one order through its life: each {@link #next} is the StateChanged
 * event of one applied transition (version + 1, the engine's {@code <orderId>-v<version>} event id), with the order
 * snapshot after it.
 */
public final class Events {
    public static final Instant PLACED_AT = Instant.parse("2026-11-25T10:15:00Z");

    private final String orderId;
    private final String email;
    private final List<OrderLine> lines = new ArrayList<>();
    private String address = "1 Main St, Springfield";
    private String trackingNumber;
    private long version;
    private OrderState state;

    private Events(String orderId, String email) {
        this.orderId = orderId;
        this.email = email;
    }

    /** An order of 2 x SKU-1 at 12.50 EUR and 1 x SKU-2 at 4.99 EUR: 29.99 EUR. */
    public static Events order(String orderId, String email) {
        return new Events(orderId, email).line("SKU-1", 2, 1250).line("SKU-2", 1, 499);
    }

    public String orderId() {
        return orderId;
    }

    /** An order with no lines yet; add them with {@link #line}. */
    public static Events emptyOrder(String orderId, String email) {
        return new Events(orderId, email);
    }

    public Events line(String sku, int quantity, long unitPriceCents) {
        lines.add(new OrderLine(sku, quantity, new Money(unitPriceCents, "EUR")));
        return this;
    }

    public Events address(String shippingAddress) {
        this.address = shippingAddress;
        return this;
    }

    /** Sets the tracking number the snapshot carries from now on (the engine sets it when the label exists). */
    public Events tracking(String number) {
        this.trackingNumber = number;
        return this;
    }

    public OrderEvent next(Transition transition, OrderState to) {
        return next(transition, to, null);
    }

    public OrderEvent next(Transition transition, OrderState to, String reason) {
        OrderState from = state;
        version++;
        state = to;
        return event(orderId + "-v" + version, new StateChanged(transition, from, to, reason));
    }

    /** A request to a worker: not an applied transition, so no mail. */
    public OrderEvent request(Effect effect, Transition transition) {
        String requestId = orderId + "-r" + version;
        return event(requestId, new EffectRequested(requestId, transition, effect, false, null,
                PLACED_AT.plusSeconds(3600)));
    }

    private OrderEvent event(String eventId, Object body) {
        Instant at = PLACED_AT.plusSeconds(60 * version);
        long total = lines.stream().mapToLong(l -> l.getUnitPrice().getAmountMinor() * l.getQuantity()).sum();
        OrderSnapshot snapshot = OrderSnapshot.newBuilder()
                .setOrderId(orderId)
                .setState(state)
                .setVersion(version)
                .setDetails(OrderDetails.newBuilder()
                        .setCustomerId("c-" + orderId)
                        .setCustomerEmail(email)
                        .setLines(List.copyOf(lines))
                        .setPaymentMethod("tok_visa")
                        .setShippingAddress(address)
                        .build())
                .setTotal(new Money(total, "EUR"))
                .setPlacedAt(PLACED_AT)
                .setUpdatedAt(at)
                .setTrackingNumber(trackingNumber)
                .build();
        return OrderEvent.newBuilder()
                .setEventId(eventId)
                .setOrderId(orderId)
                .setVersion(version)
                .setOccurredAt(at)
                .setCorrelationId("corr-" + orderId)
                .setCausationId("cmd-" + eventId)
                .setActor(new Actor("system", Role.SYSTEM))
                .setBody(body)
                .setOrder(snapshot)
                .build();
    }
}
