package io.orderflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StuckOrdersTest {
    private static final Instant T0 = Instant.parse("2026-12-01T08:00:00Z");
    private static final Duration THRESHOLD = Duration.ofMinutes(15);
    private final StuckOrders orders = new StuckOrders();

    @Test
    void aTransitionInFlightPastTheThresholdIsStuckAndOneThatCompletedIsNot() {
        orders.accept(event("o-1", T0, OrderState.CONFIRMED, Transition.PAY, request(Effect.CAPTURE_PAYMENT)));
        orders.accept(event("o-2", T0, OrderState.CONFIRMED, Transition.PAY, request(Effect.CAPTURE_PAYMENT)));
        orders.accept(event("o-2", T0.plusSeconds(2), OrderState.PAID, null,
                new StateChanged(Transition.PAY, OrderState.CONFIRMED, OrderState.PAID, null)));

        assertThat(orders.stuck(T0.plus(Duration.ofMinutes(10)), THRESHOLD)).isEmpty();
        List<StuckOrders.Stuck> stuck = orders.stuck(T0.plus(Duration.ofMinutes(20)), THRESHOLD);
        assertThat(stuck).extracting(StuckOrders.Stuck::orderId).containsExactly("o-1");
        assertThat(stuck.get(0).why()).startsWith("pay in flight (capture_payment");
        assertThat(stuck.get(0).since()).isEqualTo(T0);
        assertThat(stuck.get(0).whatToDo()).contains("orderflow dlt");
    }

    @Test
    void aHeldTransitionCountsFromItsHoldAndIsClearedWhenTheTransitionEnds() {
        orders.accept(event("o-3", T0, OrderState.PAID, Transition.SHIP, request(Effect.CREATE_LABEL)));
        orders.accept(event("o-3", T0.plus(Duration.ofMinutes(5)), OrderState.PAID, Transition.SHIP,
                new TransitionUpdate(Transition.SHIP, UpdateStatus.HELD, "carrier unavailable")));

        List<StuckOrders.Stuck> stuck = orders.stuck(T0.plus(Duration.ofMinutes(30)), THRESHOLD);
        assertThat(stuck).singleElement().satisfies(s -> {
            assertThat(s.why()).isEqualTo("ship held: carrier unavailable");
            assertThat(s.since()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
            assertThat(s.whatToDo()).contains("resumes by itself");
        });

        orders.accept(event("o-3", T0.plus(Duration.ofMinutes(31)), OrderState.PAID, null,
                new TransitionUpdate(Transition.SHIP, UpdateStatus.ROLLED_BACK, "held too long")));
        assertThat(orders.stuck(T0.plus(Duration.ofMinutes(60)), THRESHOLD)).isEmpty();
    }

    @Test
    void aFlaggedOrderIsListedAtOnceUntilItsStateChanges() {
        orders.accept(event("o-4", T0, OrderState.SHIPPED, null,
                new TransitionUpdate(Transition.DELIVER, UpdateStatus.FLAGGED, "no delivery news for 14 days")));

        assertThat(orders.stuck(T0.plusSeconds(1), THRESHOLD)).singleElement()
                .satisfies(s -> assertThat(s.why()).isEqualTo("flagged: no delivery news for 14 days"));

        orders.accept(event("o-4", T0.plusSeconds(60), OrderState.DELIVERED, null,
                new StateChanged(Transition.DELIVER, OrderState.SHIPPED, OrderState.DELIVERED, null)));
        assertThat(orders.stuck(T0.plus(Duration.ofHours(1)), THRESHOLD)).isEmpty();
    }

    private static EffectRequested request(Effect effect) {
        return EffectRequested.newBuilder().setRequestId("r-" + effect).setTransition(Transition.PAY)
                .setEffect(effect).setDeadline(T0.plus(Duration.ofMinutes(2))).build();
    }

    private static OrderEvent event(String orderId, Instant at, OrderState state, Transition pending, Object body) {
        Money total = new Money(1250L, "EUR");
        OrderSnapshot snapshot = OrderSnapshot.newBuilder().setOrderId(orderId).setState(state).setVersion(1)
                .setDetails(new OrderDetails("c-7", "ann@example.com", List.of(), null, null)).setTotal(total)
                .setPlacedAt(T0).setUpdatedAt(at).setPendingTransition(pending).build();
        return OrderEvent.newBuilder().setEventId(orderId + "-" + at).setOrderId(orderId).setVersion(1)
                .setOccurredAt(at).setCorrelationId("c").setCausationId("c").setActor(new Actor("engine", Role.SYSTEM))
                .setBody(body).setOrder(snapshot).build();
    }
}
