package io.orderflow.admin.orders;

import io.orderflow.domain.Actor;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.Command;
import io.orderflow.domain.Decision;
import io.orderflow.domain.Fulfilment;
import io.orderflow.domain.InFlight;
import io.orderflow.domain.Money;
import io.orderflow.domain.Order;
import io.orderflow.domain.OrderDetails;
import io.orderflow.domain.OrderLine;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.TransitionTable;
import io.orderflow.domain.Workflow;
import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which transitions a user may take on an order now, and why not the others. It asks the engine's own state machine:
 * the projected order is turned back into a domain {@link Order} and each transition is decided for this actor at
 * the order's version. Nothing here re-states a rule, so the buttons can never disagree with the engine (which stays
 * the authority: a click still goes to the engine, which may refuse if the order moved on meanwhile).
 */
public final class Availability {
    /** Transitions where the engine keeps the person's reason, and the page asks for one. */
    private static final Set<Transition> NEEDS_REASON = Set.of(Transition.CANCEL, Transition.REFUND, Transition.VOID,
            Transition.UNSHIP, Transition.UNCONFIRM, Transition.REOPEN);

    private final OrderMachine machine;
    private final Clock clock;

    public Availability(BusinessHours hours, Clock clock) {
        this.machine = new OrderMachine(hours);
        this.clock = clock;
    }

    /** One transition's button: enabled, or greyed with the engine's reason and rejection code. */
    public record Option(Transition transition, String label, boolean allowed, String code, String reason,
                         boolean needsReason, String to) {}

    public List<Option> options(OrderDetail order, Actor actor) {
        Order domain = toDomain(order);
        return Arrays.stream(Transition.values())
                .filter(t -> t != Transition.PLACE)
                .map(t -> decide(domain, t, actor))
                .sorted(java.util.Comparator.comparing(o -> !o.allowed())) // what can be done first, in table order
                .toList();
    }

    /** Options whose transition the engine would take now. */
    public List<Option> allowed(OrderDetail order, Actor actor) {
        return options(order, actor).stream().filter(Option::allowed).toList();
    }

    private Option decide(Order order, Transition t, Actor actor) {
        Command probe = Command.of("availability-probe", order.id(), t).expecting(order.version()).because("probe");
        Decision d = machine.decide(order, probe, actor, clock.instant());
        String to = name(TransitionTable.rule(t).to());
        if (d instanceof Decision.Rejected r) {
            return new Option(t, name(t), false, r.code().name(), r.reason(), NEEDS_REASON.contains(t), to);
        }
        return new Option(t, name(t), true, null, null, NEEDS_REASON.contains(t), to);
    }

    static Order toDomain(OrderDetail o) {
        List<OrderLine> lines = o.lines().stream()
                .map(l -> new OrderLine(l.sku(), l.quantity(), new Money(l.unitMinor(), l.currency()))).toList();
        OrderDetails details = new OrderDetails(o.customerId(), o.customerEmail(), lines, o.paymentMethod(),
                o.shippingAddress());
        InFlight inFlight = o.inFlight() == null ? null : new InFlight(
                o.inFlightRequest() == null ? "unknown" : o.inFlightRequest(),
                Transition.valueOf(o.inFlight()),
                o.inFlightEffect() == null ? TransitionTable.rule(Transition.valueOf(o.inFlight())).effect()
                        .orElse(Effect.RESERVE_STOCK) : Effect.valueOf(o.inFlightEffect()),
                null,
                o.inFlightActor() == null ? OrderMachine.ENGINE
                        : new Actor(o.inFlightActor(), Role.valueOf(o.inFlightRole())),
                null, null,
                o.inFlightSince() == null ? o.updatedAt() : o.inFlightSince(),
                o.inFlightDeadline() == null ? o.updatedAt() : o.inFlightDeadline(),
                o.heldReason());
        Workflow workflow = new Workflow(inFlight, 0, List.of(), o.note(), o.stateSince(), o.flaggedReason() != null,
                null);
        return new Order(o.orderId(), OrderState.valueOf(o.state()), o.version(), details,
                new Money(o.totalMinor(), o.currency()), o.placedAt(), o.updatedAt(), List.of(),
                new Fulfilment(o.paymentReference(), o.labelId(), o.trackingNumber()), workflow);
    }

    public static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
