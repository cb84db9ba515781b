package io.orderflow.audit;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** Order events and worker outcomes as the engine and the workers write them, for one order of 2 x 12.50 EUR. */
final class Messages {
    static final Instant T0 = Instant.parse("2026-11-20T10:00:00Z");
    static final Money TOTAL = new Money(2_500L, "EUR");
    static final Actor SYSTEM = new Actor("order-engine", Role.SYSTEM);

    private Messages() {}

    static Actor person(String userId, Role role) {
        return new Actor(userId, role);
    }

    static String correlation(String orderId) {
        return "corr-" + orderId;
    }

    static OrderEvent stateChanged(String orderId, long version, Transition transition, OrderState from,
                                   OrderState to, Actor actor, String reason, Instant at) {
        return event(orderId, version, to, actor, new StateChanged(transition, from, to, reason), at);
    }

    static OrderEvent requested(String orderId, long version, OrderState state, String requestId,
                                Transition transition, Effect effect, Instant at) {
        EffectRequested request = EffectRequested.newBuilder()
                .setRequestId(requestId)
                .setTransition(transition)
                .setEffect(effect)
                .setDeadline(at.plus(Duration.ofMinutes(5)))
                .build();
        return event(orderId, version, state, SYSTEM, request, at, "-" + requestId);
    }

    static OrderEvent update(String orderId, long version, OrderState state, Transition transition,
                             UpdateStatus status, String reason, Instant at) {
        return event(orderId, version, state, SYSTEM, new TransitionUpdate(transition, status, reason), at,
                "-u" + at.toEpochMilli());
    }

    static EffectOutcome outcome(String orderId, String requestId, Effect effect, OutcomeStatus status, String reason,
                                 Money amount, String reference, Instant at) {
        return EffectOutcome.newBuilder()
                .setOutcomeId(requestId + "-" + status.name().toLowerCase())
                .setOrderId(orderId)
                .setRequestId(requestId)
                .setEffect(effect)
                .setStatus(status)
                .setReason(reason)
                .setAmount(amount)
                .setReference(reference)
                .setOccurredAt(at)
                .build();
    }

    private static OrderEvent event(String orderId, long version, OrderState state, Actor actor, Object body,
                                    Instant at) {
        return event(orderId, version, state, actor, body, at, "");
    }

    private static OrderEvent event(String orderId, long version, OrderState state, Actor actor, Object body,
                                    Instant at, String idSuffix) {
        return OrderEvent.newBuilder()
                .setEventId(orderId + "-v" + version + idSuffix)
                .setOrderId(orderId)
                .setVersion(version)
                .setOccurredAt(at)
                .setCorrelationId(correlation(orderId))
                .setCausationId("cmd-" + orderId + "-" + version)
                .setActor(actor)
                .setBody(body)
                .setOrder(snapshot(orderId, state, version, at))
                .build();
    }

    private static OrderSnapshot snapshot(String orderId, OrderState state, long version, Instant at) {
        OrderDetails details = OrderDetails.newBuilder()
                .setCustomerId("c-7")
                .setCustomerEmail("ann@example.com")
                .setLines(List.of(new OrderLine("SKU-1", 2, new Money(1_250L, "EUR"))))
                .setPaymentMethod("tok_visa")
                .setShippingAddress("1 Main St")
                .build();
        return OrderSnapshot.newBuilder()
                .setOrderId(orderId)
                .setState(state)
                .setVersion(version)
                .setDetails(details)
                .setTotal(TOTAL)
                .setPlacedAt(T0)
                .setUpdatedAt(at)
                .setPaymentReference(state == OrderState.PENDING || state == OrderState.CONFIRMED ? null
                        : "ch_" + orderId)
                .build();
    }
}
