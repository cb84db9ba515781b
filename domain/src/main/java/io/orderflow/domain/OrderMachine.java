package io.orderflow.domain;

import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import io.orderflow.schema.Effect;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.UpdateStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import io.orderflow.domain.validation.CommandValidation;
import io.orderflow.domain.validation.InputRules;
import io.orderflow.domain.validation.Problem;
import java.util.stream.Collectors;

/**
 * The order state machine: {@code decide(order, command, actor, now)} checks the transition table, the actor's role,
 * the expected version and business hours, and returns the applied change, the transition put in flight, or a
 * specific refusal; {@code react} turns a worker's outcome, and {@code onDeadline} a passed deadline, into completed
 * transitions, rollbacks and compensations. Pure: no I/O, no clock of its own; the same inputs give the same result.
 */
public final class OrderMachine {
    /** The engine itself, when it takes a transition on the automatic path or on a deadline. */
    public static final Actor ENGINE = Actor.system("orderflow-engine");
    /** The carrier, whose delivery report completes shipped -> delivered. */
    public static final Actor CARRIER = Actor.system("carrier");

    private final Rules rules;
    private final BusinessHours businessHours;

    /** Transitions apply at once, with no workers (the engine on its own). */
    public OrderMachine(BusinessHours businessHours) {
        this(Rules.direct(businessHours));
    }

    public OrderMachine(Rules rules) {
        this.rules = rules;
        this.businessHours = rules.businessHours();
    }

    public Rules rules() {
        return rules;
    }

    /**
     * @param current the order as held now, or null if none exists under the command's order id
     */
    public Decision decide(Order current, Command command, Actor actor, Instant now) {
        return decide(current, command, actor, now, Backlog.UNBOUNDED);
    }

    /**
     * As {@link #decide(Order, Command, Actor, Instant)}, but a valid new order is refused ({@code BUSY}) while
     * {@code backlog} is full. Commands for existing orders are never refused for load: they finish what was accepted.
     */
    public Decision decide(Order current, Command command, Actor actor, Instant now, Backlog backlog) {
        Optional<Order> held = Optional.ofNullable(current);
        Optional<CommandOutcome> earlier = held.flatMap(o -> o.outcomeOf(command.commandId()));
        if (earlier.isPresent()) {
            CommandOutcome e = earlier.get();
            return new Decision.Duplicate(held, new CommandOutcome(e.commandId(), CommandStatus.DUPLICATE, e.code(),
                    "command " + command.commandId() + " was already handled: " + e.message()));
        }
        TransitionRule rule = TransitionTable.rule(command.transition());
        Optional<Refusal> refusal = command.transition() == Transition.PLACE
                ? checkPlace(current, command, actor, rule).or(() -> checkLoad(command, backlog))
                : checkTransition(current, command, actor, rule, now);
        if (refusal.isPresent()) {
            CommandOutcome outcome = new CommandOutcome(
                    command.commandId(), CommandStatus.REJECTED, refusal.get().code(), refusal.get().message());
            return new Decision.Rejected(held.map(o -> o.remember(outcome)), outcome);
        }
        return apply(current, command, actor, rule, now);
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
            return refuse(RejectionCode.INVALID_COMMAND, "place of order " + shownId(id) + " needs order details");
        }
        if (actor.role() == Role.CUSTOMER && !actor.userId().equals(d.customerId())) {
            return refuse(RejectionCode.FORBIDDEN,
                    "customer " + actor.userId() + " may not place order " + id + " for customer " + d.customerId());
        }
        return invalid(command, "order " + shownId(id) + " cannot be placed");
    }

    private static Optional<Refusal> checkLoad(Command command, Backlog backlog) {
        if (!backlog.full()) {
            return Optional.empty();
        }
        return refuse(RejectionCode.BUSY, "busy: order " + command.orderId() + " not placed, " + backlog.inFlight()
                + " orders in flight (bound " + backlog.bound() + "); retry after "
                + Math.max(1, backlog.retryAfter().toSeconds()) + " s");
    }

    /** Every problem of the command's input at once, as one refusal (INVALID_COMMAND). */
    private static Optional<Refusal> invalid(Command command, String what) {
        List<Problem> problems = CommandValidation.problems(command);
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return refuse(RejectionCode.INVALID_COMMAND,
                what + ": " + problems.stream().map(Problem::message).collect(Collectors.joining("; ")));
    }

    private Optional<Refusal> checkTransition(Order current, Command command, Actor actor, TransitionRule rule,
                                              Instant now) {
        String id = command.orderId();
        String verb = name(rule.transition());
        Optional<Refusal> invalid = invalid(command, verb + " of order " + shownId(id) + " is invalid");
        if (invalid.isPresent()) {
            return invalid;
        }
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
        if (current.inFlight().isPresent() && rule.transition() != Transition.CANCEL) {
            InFlight f = current.inFlight().get();
            return refuse(RejectionCode.TRANSITION_IN_FLIGHT, "order " + id + " is waiting for "
                    + describe(f.effect()) + " (" + name(f.transition()) + " in flight since " + f.startedAt()
                    + (f.heldReason() == null ? "" : ", held: " + f.heldReason()) + "); " + verb
                    + " can be taken when it completes");
        }
        if (rule.businessHours() && actor.role() != Role.SYSTEM && !businessHours.isOpen(now)) {
            return refuse(RejectionCode.OUTSIDE_BUSINESS_HOURS, verb + " of order " + id
                    + " is allowed only in business hours; " + businessHours.describeNextOpening(now));
        }
        return Optional.empty();
    }

    private Decision apply(Order current, Command command, Actor actor, TransitionRule rule, Instant now) {
        if (current == null) {
            Order created = Order.placed(command.orderId(), command.details(), total(command.details()), now);
            Order placed = created.with(created.workflow().correlatedWith(command.correlationId()), now);
            StateChange change = new StateChange(rule.transition(), null, rule.to(), 1, command.reason(), actor);
            Reaction next = automaticNext(placed, rule, command.correlationId(), now);
            CommandOutcome outcome = new CommandOutcome(command.commandId(), CommandStatus.APPLIED, null,
                    "order " + placed.id() + " placed (pending, version 1)");
            return new Decision.Applied(next.order().remember(outcome), change, next.requests(), outcome);
        }
        List<EffectRequest> requests = new ArrayList<>();
        Order order = current.with(current.workflow().correlatedWith(command.correlationId()), now);
        if (current.inFlight().isPresent()) {
            // Only cancel gets here with a transition in flight: it wins, and the abandoned effect is undone.
            InFlight abandoned = current.inFlight().get();
            order = order.with(order.workflow().abandoned(abandoned.requestId()), now);
            Optional<FollowUp> undo = compensation(order, abandoned, now);
            if (undo.isPresent()) {
                order = undo.get().order();
                requests.add(undo.get().request());
            }
        }
        if (rule.effect().isPresent() && rules.outsideEffects()) {
            Started started = start(order, rule, actor, command.commandId(), command.correlationId(), command.reason(), now);
            String message = "order " + order.id() + ": " + name(rule.transition()) + " in flight, waiting for "
                    + describe(rule.effect().get());
            CommandOutcome outcome = new CommandOutcome(command.commandId(), CommandStatus.IN_FLIGHT, null, message);
            requests.add(started.request());
            return new Decision.Started(started.order().remember(outcome), requests, outcome);
        }
        Reaction applied = complete(order, rule, actor, command.reason(), command.correlationId(), now);
        requests.addAll(applied.requests());
        StateChange change = applied.changes().get(0);
        CommandOutcome outcome = new CommandOutcome(command.commandId(), CommandStatus.APPLIED, null,
                "order " + order.id() + " " + name(rule.to()) + " (" + name(current.state()) + " -> "
                        + name(rule.to()) + ", version " + change.version() + ")");
        return new Decision.Applied(applied.order().remember(outcome), change, requests, outcome);
    }

    // ---------------------------------------------------------------- outcomes and deadlines

    /** What a worker's outcome does to the order: completes, rolls back or holds its in-flight transition. */
    public Reaction react(Order order, Outcome outcome, Instant now) {
        InFlight inFlight = order.inFlight().orElse(null);
        if (outcome.effect() == Effect.TRACK_SHIPMENT) {
            return delivered(order, outcome, now);
        }
        if (inFlight != null && inFlight.requestId().equals(outcome.requestId())) {
            return switch (outcome.status()) {
                case SUCCEEDED -> succeeded(order, inFlight, outcome, now);
                case FAILED -> rollBack(order, inFlight, name(inFlight.transition()) + " failed: " + outcome.reason(),
                        false, now);
                case HELD -> hold(order, inFlight, outcome.reason(), now);
                case UPDATE -> Reaction.nothing(order);
            };
        }
        if (outcome.requestId() == null) {
            return Reaction.nothing(order);
        }
        Optional<WatchedRequest> watched = order.workflow().watched(outcome.requestId());
        if (watched.isPresent()) {
            return followUpAnswered(order, watched.get(), outcome, now);
        }
        boolean abandoned = order.workflow().abandonedRequests().contains(outcome.requestId());
        Optional<Effect> undo = TransitionTable.undo(outcome.effect());
        if (outcome.status() == OutcomeStatus.SUCCEEDED && abandoned && undo.isPresent()) {
            // The order moved on (the request timed out or was preempted): undo the late effect instead of applying it.
            FollowUp late = followUp(order, transitionOf(outcome.effect()), undo.get(), outcome.requestId(), now);
            return new Reaction(late.order(), List.of(), List.of(late.request()), List.of());
        }
        // Anything else is a repeat (an answer to a request already answered, or to one given up): nothing changes.
        return Reaction.nothing(order);
    }

    /**
     * The answer to a watched follow-up: success ends the watch; failure ends it and flags the order, as the outside
     * world is now out of step with it (workers retry those internally before giving up); a hold stretches its deadline.
     * Only a watched request can flag, so a repeated failure flags once.
     */
    private Reaction followUpAnswered(Order order, WatchedRequest w, Outcome outcome, Instant now) {
        return switch (outcome.status()) {
            case SUCCEEDED -> Reaction.nothing(order.with(order.workflow().unwatched(w.requestId()), now));
            case FAILED -> flag(order.with(order.workflow().unwatched(w.requestId()), now), w.transition(),
                    name(w.effect()) + " failed for " + w.requestId() + ": " + outcome.reason() + "; needs attention",
                    w.requestId(), now);
            case HELD -> {
                Instant extended = now.plus(rules.timeouts().held());
                yield Reaction.nothing(order.with(order.workflow().replacing(w.held(outcome.reason(),
                        extended.isAfter(w.deadline()) ? extended : w.deadline())), now));
            }
            case UPDATE -> Reaction.nothing(order);
        };
    }

    /** As {@link #onDeadline(Order, Instant, Function)} with nothing heard from any worker. */
    public Reaction onDeadline(Order order, Instant now) {
        return onDeadline(order, now, effect -> null);
    }

    /** As {@link #onDeadline(Order, Instant, Function)}, with {@code workerLastHeard} for every worker. */
    public Reaction onDeadline(Order order, Instant now, Instant workerLastHeard) {
        return onDeadline(order, now, effect -> workerLastHeard);
    }

    /**
     * What a passed deadline does: roll back a silent in-flight transition, flag an unanswered follow-up, cancel an
     * unpaid order, flag a lost parcel, take a stalled step again. A worker's silence, not a request's age, is what
     * times a request out: while the worker has answered any request on the order's partition within the in-flight
     * timeout, it is behind, not gone, and a request it has not yet taken up waits on (up to the held timeout from
     * when the worker could first act on it) instead of rolling back.
     *
     * @param workerLastHeard when the worker of an effect last answered a request on this order's partition, or null
     *                        if unknown
     */
    public Reaction onDeadline(Order order, Instant now, Function<Effect, Instant> workerLastHeard) {
        Optional<Instant> deadline = order.deadline(rules.timeouts());
        if (deadline.isEmpty() || deadline.get().isAfter(now)) {
            return Reaction.nothing(order);
        }
        Reaction reaction = Reaction.nothing(order);
        Optional<InFlight> inFlight = order.inFlight();
        if (inFlight.isPresent() && !inFlight.get().deadline().isAfter(now)) {
            reaction = inFlightDue(order, inFlight.get(), now, workerLastHeard.apply(inFlight.get().effect()));
        }
        for (WatchedRequest w : order.workflow().followUps()) {
            if (!w.deadline().isAfter(now)) {
                Order current = reaction.order();
                reaction = reaction.plus(followUpDue(current, w, now));
            }
        }
        if (inFlight.isEmpty()) {
            Order current = reaction.order();
            reaction = reaction.plus(stateDue(current, now));
        }
        return reaction;
    }

    private Reaction inFlightDue(Order order, InFlight f, Instant now, Instant workerLastHeard) {
        Optional<Instant> behind = workerBehind(f, now, workerLastHeard);
        if (behind.isPresent()) {
            // Nothing to tell anyone: the order only waits longer, so it keeps its updatedAt.
            return Reaction.nothing(order.with(order.workflow().withInFlight(f.waitingUntil(behind.get())),
                    order.updatedAt()));
        }
        String silence = "no answer from the " + worker(f.effect()) + " worker by " + f.deadline();
        if (!mustLearnOutcome(f.effect())) {
            return rollBack(order, f, name(f.transition()) + " timed out: " + silence, true, now);
        }
        boolean waitedLongEnough = !now.isBefore(f.waitingSince().plus(rules.timeouts().held()));
        if (waitedLongEnough && TransitionTable.undo(f.effect()).isPresent()) {
            // A capture unanswered for the whole held timeout: give up, give back whatever it took, and tell a person.
            String why = name(f.transition()) + " got no answer within " + rules.timeouts().held() + ": " + silence
                    + "; any charge is voided";
            Reaction back = rollBack(order, f, why, true, now);
            return back.plus(flag(back.order(), f.transition(), why + "; needs attention", f.requestId(), now));
        }
        if (waitedLongEnough && order.workflow().flag() == null) {
            String why = name(f.transition()) + " got no answer within " + rules.timeouts().held() + ": " + silence
                    + "; needs attention";
            Reaction held = hold(order, f, silence + "; still waiting, as it cannot be undone", now);
            return held.plus(flag(held.order(), f.transition(), why, f.requestId(), now));
        }
        // A void, refund or label void cannot be undone if it happens after all, and a capture may have charged the
        // card (its worker resolves it with the gateway under the same Idempotency-Key): wait for the answer, visibly.
        String waiting = f.effect() == Effect.CAPTURE_PAYMENT
                ? "; waiting for the payment worker to learn from the gateway whether the card was charged"
                : "; still waiting, as it cannot be undone";
        return hold(order, f, silence + waiting, now);
    }

    /**
     * Effects whose outcome must be learned, not guessed, when their worker is silent: a void, refund or label void
     * cannot be undone, and a capture may have taken the money (a timeout is not a decline).
     */
    private static boolean mustLearnOutcome(Effect effect) {
        return effect == Effect.CAPTURE_PAYMENT || TransitionTable.undo(effect).isEmpty();
    }

    /** A watched follow-up with no final answer by its deadline: lost (dead-lettered, or its worker gone): flag it. */
    private Reaction followUpDue(Order order, WatchedRequest w, Instant now) {
        String why = name(w.effect()) + " " + w.requestId() + " (after " + name(w.transition()) + ") got no final "
                + "answer from the " + worker(w.effect()) + " worker by " + w.deadline()
                + (w.heldReason() == null ? "" : " (held: " + w.heldReason() + ")") + "; needs attention";
        return flag(order.with(order.workflow().unwatched(w.requestId()), now), w.transition(), why, w.requestId(), now);
    }

    /** The state's own deadline: cancel an unpaid order, flag a lost parcel, take a stalled step again. */
    private Reaction stateDue(Order order, Instant now) {
        Optional<Instant> due = order.stateDeadline(rules.timeouts());
        if (due.isEmpty() || due.get().isAfter(now)) {
            return Reaction.nothing(order);
        }
        if (order.state() == OrderState.CONFIRMED) {
            return complete(order, TransitionTable.rule(Transition.CANCEL), ENGINE,
                    "not paid within " + rules.timeouts().unpaid(), null, now);
        }
        if (order.state() == OrderState.SHIPPED) {
            String why = "no delivery reported within " + rules.timeouts().delivery() + " of shipping";
            Order flagged = order.with(order.workflow().flaggedOverdue(why), now);
            return new Reaction(flagged, List.of(), List.of(),
                    List.of(new OrderUpdate(Transition.DELIVER, UpdateStatus.FLAGGED, why, null)));
        }
        return retryStalled(order, order.workflow().retry(), now);
    }

    /** Takes a stalled automatic step again, or gives up on it as the stall policy says. */
    private Reaction retryStalled(Order order, Retry retry, Instant now) {
        StallPolicy policy = rules.stalls();
        boolean reserve = retry.transition() == Transition.CONFIRM;
        int limit = reserve ? policy.reserveAttempts() : policy.labelAttempts();
        if (limit > 0 && retry.attempts() >= limit) {
            Order givenUp = order.with(order.workflow().retrying(null), now);
            String last = order.workflow().note() == null ? "" : " (last: " + order.workflow().note() + ")";
            if (reserve) {
                return complete(givenUp, TransitionTable.rule(Transition.CANCEL), ENGINE, "stock could not be "
                        + "reserved in " + retry.attempts() + " attempts" + last, null, now);
            }
            return flag(givenUp, Transition.SHIP, "no shipping label after " + retry.attempts() + " attempts" + last
                    + "; needs attention", null, now);
        }
        Started again = start(order, TransitionTable.rule(retry.transition()), ENGINE, null,
                order.workflow().correlationId(), "attempt " + (retry.attempts() + 1) + " after an earlier failure", now);
        return new Reaction(again.order(), List.of(), List.of(again.request()), List.of());
    }

    /**
     * The new deadline of a request whose worker is alive but has not answered it yet, or empty when the worker has
     * been silent for the whole timeout, has acknowledged the request (held it, other than until an opening that has
     * come), or the request has waited too long since the worker could first act on it.
     */
    private Optional<Instant> workerBehind(InFlight f, Instant now, Instant workerLastHeard) {
        if (workerLastHeard == null || !f.waitsOnWorker(now)) {
            return Optional.empty();
        }
        Instant silentUntil = workerLastHeard.plus(rules.timeouts().inFlight());
        Instant cap = f.waitingSince().plus(rules.timeouts().held());
        Instant next = silentUntil.isBefore(cap) ? silentUntil : cap;
        return next.isAfter(now) ? Optional.of(next) : Optional.empty();
    }

    private Reaction succeeded(Order order, InFlight f, Outcome outcome, Instant now) {
        Fulfilment ref = order.fulfilment();
        ref = switch (f.effect()) {
            case CAPTURE_PAYMENT -> ref.withPayment(outcome.reference());
            case VOID_PAYMENT -> ref.withPayment(null);
            case CREATE_LABEL -> ref.withLabel(outcome.reference(), outcome.trackingNumber());
            case VOID_LABEL -> ref.withLabel(null, null);
            default -> ref;
        };
        Order done = order.with(ref).with(order.workflow().completed(), now);
        return complete(done, TransitionTable.rule(f.transition()), f.actor(), f.reason(), f.correlationId(), now);
    }

    private Reaction rollBack(Order order, InFlight f, String why, boolean undo, Instant now) {
        Workflow w = undo ? order.workflow().abandoned(f.requestId()) : order.workflow().completed();
        Order back = order.with(w.withNote(why), now);
        List<EffectRequest> requests = new ArrayList<>();
        if (undo) {
            Optional<FollowUp> c = compensation(back, f, now);
            if (c.isPresent()) {
                back = c.get().order();
                requests.add(c.get().request());
            }
        }
        back = stalled(back, f.transition(), now);
        return new Reaction(back, List.of(), requests, List.of(new OrderUpdate(f.transition(), UpdateStatus.ROLLED_BACK, why, f.requestId())));
    }

    /**
     * After a failed reservation or label on the automatic path, when to try again (or to give up: at once, when the
     * stall policy's attempts are used up). Counts failures in a row of the same step from the same state.
     */
    private Order stalled(Order order, Transition failed, Instant now) {
        boolean reserve = failed == Transition.CONFIRM && order.state() == OrderState.PENDING;
        boolean label = failed == Transition.SHIP && order.state() == OrderState.PAID;
        if (!rules.autoAdvance() || !rules.stalls().active() || !(reserve || label)) {
            return order;
        }
        Retry before = order.workflow().retry();
        int attempts = (before != null && before.transition() == failed ? before.attempts() : 0) + 1;
        StallPolicy policy = rules.stalls();
        int limit = reserve ? policy.reserveAttempts() : policy.labelAttempts();
        Instant at = limit > 0 && attempts >= limit ? now
                : now.plus(reserve ? policy.reserveEvery() : policy.labelBackoff(attempts));
        return order.with(order.workflow().retrying(new Retry(failed, attempts, at)), now);
    }

    private Reaction hold(Order order, InFlight f, String why, Instant now) {
        if (why != null && why.equals(f.heldReason())) {
            return Reaction.nothing(order);
        }
        InFlight held;
        if (TransitionTable.rule(f.transition()).businessHours() && !businessHours.isOpen(now)) {
            // Held for the opening: the worker can act only then, so the in-flight timeout starts then, not now.
            Instant opening = businessHours.nextOpening(now).map(t -> t.toInstant()).orElse(now);
            held = f.heldUntil(why, opening, opening.plus(rules.timeouts().inFlight()));
        } else {
            // A hold extends the wait; it never brings the deadline forward.
            Instant extended = now.plus(rules.timeouts().held());
            held = f.held(why, extended.isAfter(f.deadline()) ? extended : f.deadline());
        }
        Order next = order.with(order.workflow().withInFlight(held).withNote("held: " + why), now);
        return new Reaction(next, List.of(), List.of(), List.of(new OrderUpdate(f.transition(), UpdateStatus.HELD, why, f.requestId())));
    }

    /** Flags the order for a person: the reason goes into its flag (and note) and out as a FLAGGED update. */
    private static Reaction flag(Order order, Transition transition, String why, String requestId, Instant now) {
        Order flagged = order.with(order.workflow().flagged(why), now);
        return new Reaction(flagged, List.of(), List.of(),
                List.of(new OrderUpdate(transition, UpdateStatus.FLAGGED, why, requestId)));
    }

    /**
     * The carrier's delivery report completes shipped -> delivered. It wins over an unship in flight: the parcel
     * arrived, so the label void is given up (the carrier refuses to void a delivered label anyway).
     */
    private Reaction delivered(Order order, Outcome outcome, Instant now) {
        if (!Outcome.DELIVERED.equals(outcome.trackingStatus()) || order.state() != OrderState.SHIPPED) {
            return Reaction.nothing(order);
        }
        String reason = "carrier reported delivery of " + outcome.trackingNumber();
        Reaction before = Reaction.nothing(order);
        if (order.inFlight().isPresent()) {
            InFlight f = order.inFlight().get();
            if (f.transition() != Transition.UNSHIP) {
                return Reaction.nothing(order);
            }
            String why = "unship given up: " + reason;
            Order given = order.with(order.workflow().abandoned(f.requestId()).withNote(why), now);
            before = new Reaction(given, List.of(), List.of(),
                    List.of(new OrderUpdate(f.transition(), UpdateStatus.ROLLED_BACK, why, f.requestId())));
        }
        Order current = before.order();
        return before.plus(complete(current, TransitionTable.rule(Transition.DELIVER), CARRIER, reason, null, now));
    }

    // ---------------------------------------------------------------- applying and starting

    /** Applies {@code rule} now: the state change, its follow-up effect, and the next automatic step. */
    private Reaction complete(Order order, TransitionRule rule, Actor actor, String reason, String correlationId,
                              Instant now) {
        Order moved = order.moveTo(rule.to(), now);
        StateChange change = new StateChange(rule.transition(), order.state(), rule.to(), moved.version(), reason, actor);
        List<EffectRequest> requests = new ArrayList<>();
        if (rules.outsideEffects() && rule.followUp().isPresent()) {
            FollowUp f = followUp(moved, rule.transition(), rule.followUp().get(), null, now);
            moved = f.order();
            requests.add(f.request());
        }
        Reaction next = automaticNext(moved, rule, correlationId, now);
        requests.addAll(next.requests());
        return new Reaction(next.order(), List.of(change), requests, List.of());
    }

    /** On the automatic path, the system starts the next transition as soon as the previous one is applied. */
    private Reaction automaticNext(Order order, TransitionRule applied, String correlationId, Instant now) {
        if (!rules.autoAdvance() || !rules.outsideEffects() || applied.next().isEmpty()) {
            return Reaction.nothing(order);
        }
        TransitionRule next = TransitionTable.rule(applied.next().get());
        if (!next.startsFrom(order.state()) || next.effect().isEmpty()) {
            return Reaction.nothing(order);
        }
        Started started = start(order, next, ENGINE, null, correlationId, null, now);
        return new Reaction(started.order(), List.of(), List.of(started.request()), List.of());
    }

    private record Started(Order order, EffectRequest request) {}

    private Started start(Order order, TransitionRule rule, Actor actor, String commandId, String correlationId,
                          String reason, Instant now) {
        Order next = order.with(order.workflow().nextRequest(), now);
        // A system-initiated step that must wait for business hours waits for the opening, not against its timeout.
        Instant from = rule.businessHours()
                ? businessHours.nextOpening(now).map(t -> t.toInstant()).filter(t -> t.isAfter(now)).orElse(now)
                : now;
        Instant deadline = from.plus(rules.timeouts().inFlight());
        String requestId = requestId(next);
        InFlight inFlight = new InFlight(requestId, rule.transition(), rule.effect().get(), commandId, actor,
                correlationId, reason, now, deadline, null, from.isAfter(now) ? from : null);
        Order inFlightOrder = next.with(next.workflow().withInFlight(inFlight), now);
        return new Started(inFlightOrder, new EffectRequest(requestId, rule.transition(), rule.effect().get(), false,
                null, deadline));
    }

    /** A compensation or follow-up to send, and the order that now watches it until its final outcome. */
    private record FollowUp(Order order, EffectRequest request) {}

    private FollowUp followUp(Order order, Transition transition, Effect effect, String targetRequestId, Instant now) {
        Order next = order.with(order.workflow().nextRequest(), now);
        String id = followUpId(next);
        Instant deadline = now.plus(rules.timeouts().followUp());
        Order watching = next.with(next.workflow().watching(
                new WatchedRequest(id, transition, effect, now, deadline, null)), now);
        return new FollowUp(watching, new EffectRequest(id, transition, effect, true, targetRequestId, deadline));
    }

    private Optional<FollowUp> compensation(Order order, InFlight abandoned, Instant now) {
        return TransitionTable.undo(abandoned.effect())
                .map(undo -> followUp(order, abandoned.transition(), undo, abandoned.requestId(), now));
    }

    /** A request a transition waits for: {@code <orderId>-r<n>}. */
    private static String requestId(Order order) {
        return order.id() + "-r" + order.workflow().requestSeq();
    }

    /** A compensation or follow-up, which nothing waits for: {@code <orderId>-f<n>}. */
    private static String followUpId(Order order) {
        return order.id() + "-f" + order.workflow().requestSeq();
    }

    private static Transition transitionOf(Effect gating) {
        return TransitionTable.rules().stream()
                .filter(r -> r.effect().filter(gating::equals).isPresent())
                .map(TransitionRule::transition).findFirst().orElseThrow();
    }

    private static String worker(Effect effect) {
        return switch (effect) {
            case RESERVE_STOCK, RELEASE_STOCK, DEDUCT_STOCK, RESTORE_STOCK -> "inventory";
            case CAPTURE_PAYMENT, VOID_PAYMENT, REFUND_PAYMENT -> "payment";
            case CREATE_LABEL, VOID_LABEL, TRACK_SHIPMENT -> "shipping";
        };
    }

    private static String describe(Effect effect) {
        return switch (effect) {
            case RESERVE_STOCK -> "stock reservation";
            case CAPTURE_PAYMENT -> "payment capture";
            case VOID_PAYMENT -> "the payment to be voided";
            case REFUND_PAYMENT -> "the refund";
            case CREATE_LABEL -> "a shipping label";
            case VOID_LABEL -> "the label to be voided";
            default -> name(effect);
        };
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

    /** An order id as messages show it: cut short when it is far too long to be one. */
    private static String shownId(String id) {
        return id != null && id.length() <= InputRules.MAX_ID_LENGTH ? id : InputRules.shown(String.valueOf(id));
    }

    static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }
}
