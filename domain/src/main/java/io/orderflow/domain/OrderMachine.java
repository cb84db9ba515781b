package io.orderflow.domain;

import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The order state machine: {@code decide(order, command, actor, now)} checks the transition table, the actor's role,
 * the expected version and business hours, and returns either the applied change or a specific refusal. Pure: no
 * I/O, no clock of its own; the same inputs always give the same decision.
 */
public final class OrderMachine {
    private final BusinessHours businessHours;

    public OrderMachine(BusinessHours businessHours) {
        this.businessHours = businessHours;
    }

    /**
     * @param current the order as held now, or null if none exists under the command's order id
     */
    public Decision decide(Order current, Command command, Actor actor, Instant now) {
        Optional<Order> held = Optional.ofNullable(current);
        Optional<CommandOutcome> earlier = held.flatMap(o -> o.outcomeOf(command.commandId()));
        if (earlier.isPresent()) {
            CommandOutcome e = earlier.get();
            return new Decision.Duplicate(held, new CommandOutcome(e.commandId(), CommandStatus.DUPLICATE, e.code(),
                    "command " + command.commandId() + " was already handled: " + e.message()));
        }
        TransitionRule rule = TransitionTable.rule(command.transition());
        Optional<Refusal> refusal = command.transition() == Transition.PLACE
                ? checkPlace(current, command, actor, rule)
                : checkTransition(current, command, actor, rule, now);
        if (refusal.isPresent()) {
            CommandOutcome outcome = new CommandOutcome(
                    command.commandId(), CommandStatus.REJECTED, refusal.get().code(), refusal.get().message());
            return new Decision.Rejected(held.map(o -> o.remember(outcome)), outcome);
        }
        return apply(current, command, rule, now);
    }

    private record Refusal(RejectionCode code, String message) {}

    private static Optional<Refusal> refuse(RejectionCode code, String message) {
        return Optional.of(new Refusal(code, message));
    }

    private Optional<Refusal> checkPlace(Order current, Command command, Actor actor, TransitionRule rule) {
        String id = command.orderId();
        if (current != null) {
            return refuse(RejectionCode.ORDER_EXISTS,
                    "order " + id + " already exists (" + name(current.state()) + "); place needs a new order id");
        }
        if (!rule.allows(actor.role())) {
            return refuse(RejectionCode.FORBIDDEN, roleRefusal(actor, rule, id));
        }
        OrderDetails d = command.details();
        if (d == null) {
            return refuse(RejectionCode.INVALID_COMMAND, "place of order " + id + " needs order details");
        }
        if (actor.role() == Role.CUSTOMER && !actor.userId().equals(d.customerId())) {
            return refuse(RejectionCode.FORBIDDEN,
                    "customer " + actor.userId() + " may not place order " + id + " for customer " + d.customerId());
        }
        return invalidDetails(id, d).map(problem -> new Refusal(RejectionCode.INVALID_COMMAND, problem));
    }

    private static Optional<String> invalidDetails(String id, OrderDetails d) {
        String prefix = "order " + id + " cannot be placed: ";
        if (id == null || id.isBlank()) {
            return Optional.of("an order needs an id");
        }
        if (d.customerId() == null || d.customerId().isBlank()) {
            return Optional.of(prefix + "customer id is missing");
        }
        if (d.customerEmail() == null || !d.customerEmail().matches("[^@\\s]+@[^@\\s]+")) {
            return Optional.of(prefix + "customer e-mail '" + d.customerEmail() + "' is not an address");
        }
        if (d.lines().isEmpty()) {
            return Optional.of(prefix + "it has no lines");
        }
        for (OrderLine line : d.lines()) {
            if (line.sku() == null || line.sku().isBlank()) {
                return Optional.of(prefix + "a line has no SKU");
            }
            if (line.quantity() <= 0) {
                return Optional.of(prefix + "quantity of " + line.sku() + " must be positive, got " + line.quantity());
            }
            if (line.unitPrice() == null) {
                return Optional.of(prefix + "price of " + line.sku() + " is missing");
            }
            if (line.unitPrice().minor() < 0) {
                return Optional.of(prefix + "price of " + line.sku() + " is negative");
            }
        }
        Set<String> currencies = d.lines().stream().map(l -> l.unitPrice().currency()).collect(Collectors.toSet());
        if (currencies.size() > 1) {
            return Optional.of(prefix + "lines mix currencies " + currencies.stream().sorted().toList());
        }
        try {
            total(d);
        } catch (ArithmeticException overflow) {
            return Optional.of(prefix + "its total is too large to hold in " + currencies.iterator().next() + " minor units");
        }
        return Optional.empty();
    }

    private Optional<Refusal> checkTransition(Order current, Command command, Actor actor, TransitionRule rule,
                                              Instant now) {
        String id = command.orderId();
        String verb = name(rule.transition());
        if (current == null) {
            return refuse(RejectionCode.UNKNOWN_ORDER, "order " + id + " does not exist; " + verb + " needs a placed order");
        }
        if (!rule.allows(actor.role())) {
            return refuse(RejectionCode.FORBIDDEN, roleRefusal(actor, rule, id));
        }
        if (actor.role() == Role.CUSTOMER && !actor.userId().equals(current.details().customerId())) {
            return refuse(RejectionCode.FORBIDDEN,
                    "customer " + actor.userId() + " may not " + verb + " order " + id + " of another customer");
        }
        if (command.expectedVersion().isPresent() && command.expectedVersion().getAsLong() != current.version()) {
            return refuse(RejectionCode.VERSION_CONFLICT, "order " + id + " is at version " + current.version()
                    + "; the command expected version " + command.expectedVersion().getAsLong());
        }
        if (!rule.startsFrom(current.state())) {
            return refuse(RejectionCode.INVALID_TRANSITION, "order " + id + " is " + name(current.state()) + "; "
                    + verb + " needs it to be " + oneOf(rule.from().stream().sorted().map(OrderMachine::name).toList()));
        }
        if (rule.businessHours() && actor.role() != Role.SYSTEM && !businessHours.isOpen(now)) {
            return refuse(RejectionCode.OUTSIDE_BUSINESS_HOURS, verb + " of order " + id
                    + " is allowed only in business hours; " + businessHours.describeNextOpening(now));
        }
        return Optional.empty();
    }

    private static Decision apply(Order current, Command command, TransitionRule rule, Instant now) {
        Order moved = current == null
                ? Order.placed(command.orderId(), command.details(), total(command.details()), now)
                : current.moveTo(rule.to(), now);
        StateChange change = new StateChange(rule.transition(), current == null ? null : current.state(), rule.to(),
                moved.version(), command.reason());
        String message = "order " + moved.id() + " " + (current == null
                ? "placed (pending, version 1)"
                : name(rule.to()) + " (" + name(current.state()) + " -> " + name(rule.to()) + ", version " + moved.version() + ")");
        CommandOutcome outcome = new CommandOutcome(command.commandId(), CommandStatus.APPLIED, null, message);
        return new Decision.Applied(moved.remember(outcome), change, outcome);
    }

    static Money total(OrderDetails details) {
        return details.lines().stream()
                .map(OrderLine::subtotal)
                .reduce(Money::plus)
                .orElseThrow();
    }

    private static String roleRefusal(Actor actor, TransitionRule rule, String orderId) {
        List<String> roles = rule.roles().stream().filter(r -> r != Role.SYSTEM).map(OrderMachine::name).sorted().toList();
        return "role " + name(actor.role()) + " may not " + name(rule.transition()) + " order " + orderId + "; "
                + name(rule.transition()) + " needs role " + oneOf(roles);
    }

    private static String oneOf(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
