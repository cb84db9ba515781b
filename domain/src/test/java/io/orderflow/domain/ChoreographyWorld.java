package io.orderflow.domain;

import static io.orderflow.domain.Fixtures.CUSTOMER_ID;
import static io.orderflow.domain.Fixtures.ORDER_ID;
import static io.orderflow.schema.Effect.CAPTURE_PAYMENT;
import static io.orderflow.schema.Effect.CREATE_LABEL;
import static io.orderflow.schema.Effect.DEDUCT_STOCK;
import static io.orderflow.schema.Effect.REFUND_PAYMENT;
import static io.orderflow.schema.Effect.RELEASE_STOCK;
import static io.orderflow.schema.Effect.RESERVE_STOCK;
import static io.orderflow.schema.Effect.RESTORE_STOCK;
import static io.orderflow.schema.Effect.VOID_LABEL;
import static io.orderflow.schema.Effect.VOID_PAYMENT;
import static io.orderflow.schema.Transition.CANCEL;
import static io.orderflow.schema.Transition.CONFIRM;
import static io.orderflow.schema.Transition.PAY;
import static io.orderflow.schema.Transition.PLACE;
import static io.orderflow.schema.Transition.REFUND;
import static io.orderflow.schema.Transition.REOPEN;
import static io.orderflow.schema.Transition.SHIP;
import static io.orderflow.schema.Transition.UNCONFIRM;
import static io.orderflow.schema.Transition.UNSHIP;
import static io.orderflow.schema.Transition.VOID;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One order o-42 run by the choreographed machine, with the three workers around it and a model of the outside world
 * they change. Everything goes through here: commands ({@code decide}), worker outcomes ({@code react}), a moving
 * clock and the deadline punctuator ({@code onDeadline}), carrier tracking. Every engine call is a {@link Turn}; each
 * turn is checked at once against the per-step invariants (see {@link #check}), so the example tests and the
 * randomized sequences share them.
 *
 * <p>The outside world: a worker performs a request when it answers it; a {@code SUCCEEDED} answer means the effect
 * happened (stock reserved per request id, a capture per request id, a label per request id), and an undo of a request
 * undoes it; a {@code null} target means everything of that kind the order holds; a {@code FAILED} answer means nothing
 * happened (after the worker's own retries). Each worker performs one order's requests strictly in the order they were
 * emitted, as protocol.md requires (they arrive on one partition and are handled sequentially); a {@code HELD} request
 * stays at the head of its worker's queue. Outcomes travel to the engine in order per worker (one outcome topic each)
 * but interleave freely between workers, and any may be delivered again.
 *
 * <p>Request ids: a gating request (one a transition waits for) is {@code o-42-r<n>}, a compensation or follow-up
 * {@code o-42-f<n>}; n counts all of them.
 */
final class ChoreographyWorld {

    /** Distinct durations, so a test can tell which one set a deadline. */
    static final Timeouts TIMEOUTS = new Timeouts(
            Duration.ofSeconds(60), Duration.ofHours(2), Duration.ofHours(24), Duration.ofDays(14));
    static final OrderMachine MACHINE = new OrderMachine(Rules.choreographed(Fixtures.HOURS, TIMEOUTS, StallPolicy.NONE));

    // The contract as protocol.md and docs/design.md state it, written out by hand rather than read from TransitionTable.
    /** The effect a transition waits for. */
    static final Map<Transition, Effect> GATING = Map.of(CONFIRM, RESERVE_STOCK, PAY, CAPTURE_PAYMENT,
            VOID, VOID_PAYMENT, SHIP, CREATE_LABEL, UNSHIP, VOID_LABEL, REFUND, REFUND_PAYMENT);
    /** The effect requested once a transition is applied. */
    static final Map<Transition, Effect> FOLLOW_UP = Map.of(SHIP, DEDUCT_STOCK, UNSHIP, RESTORE_STOCK,
            CANCEL, RELEASE_STOCK, UNCONFIRM, RELEASE_STOCK, REFUND, RELEASE_STOCK);
    /**
     * Effects whose outcome the engine must learn rather than guess when the worker is silent: those with no undo,
     * and a capture (a timeout may have charged the card).
     */
    static boolean mustLearn(Effect effect) {
        return effect == CAPTURE_PAYMENT || !UNDO.containsKey(effect);
    }
    /** What undoes an abandoned gating effect. */
    static final Map<Effect, Effect> UNDO = Map.of(RESERVE_STOCK, RELEASE_STOCK, CAPTURE_PAYMENT, VOID_PAYMENT,
            CREATE_LABEL, VOID_LABEL);
    /** The automatic path: what the engine starts on its own once a transition is applied. */
    static final Map<Transition, Transition> AUTO_NEXT = Map.of(PLACE, CONFIRM, CONFIRM, PAY, PAY, SHIP,
            REOPEN, CONFIRM);

    enum Worker {
        INVENTORY, PAYMENT, SHIPPING;

        static Worker of(Effect effect) {
            return switch (effect) {
                case RESERVE_STOCK, RELEASE_STOCK, DEDUCT_STOCK, RESTORE_STOCK -> INVENTORY;
                case CAPTURE_PAYMENT, VOID_PAYMENT, REFUND_PAYMENT -> PAYMENT;
                case CREATE_LABEL, VOID_LABEL, TRACK_SHIPMENT -> SHIPPING;
            };
        }
    }

    /** What became of an effect in the outside world, per request id that made it. */
    enum Fact { RESERVED, RELEASED, DEDUCTED, CAPTURED, VOIDED, REFUNDED, LABELLED, LABEL_VOIDED }

    /** One call into the machine and what it returned. */
    record Turn(int index, String what, Instant now, Order before, Order after, List<StateChange> changes,
                List<EffectRequest> requests, List<OrderUpdate> updates, Decision decision, Outcome outcome) {
        /** Nothing emitted and the very order kept. */
        boolean isNothing(Order kept) {
            return changes.isEmpty() && requests.isEmpty() && updates.isEmpty() && java.util.Objects.equals(after, kept);
        }

        @Override
        public String toString() {
            StringBuilder s = new StringBuilder("#" + index + " " + what + " at " + now + " on " + describe(before)
                    + " -> " + describe(after));
            if (decision != null) {
                s.append(" [").append(decision.getClass().getSimpleName()).append(": ")
                        .append(Optional.ofNullable(decision.outcome().code()).map(c -> c + " ").orElse(""))
                        .append(decision.outcome().message()).append("]");
            }
            changes.forEach(c -> s.append("\n      change ").append(c.transition()).append(" ").append(c.from())
                    .append("->").append(c.to()).append(" v").append(c.version()).append(" by ").append(c.actor()));
            requests.forEach(r -> s.append("\n      request ").append(r.requestId()).append(" ").append(r.effect())
                    .append(" for ").append(r.transition()).append(r.compensation() ? " (compensation" + (
                            r.targetRequestId() == null ? ", all" : ", undoes " + r.targetRequestId()) + ")" : "")
                    .append(" by ").append(r.deadline()));
            updates.forEach(u -> s.append("\n      update ").append(u.status()).append(" ").append(u.transition())
                    .append(" ").append(u.requestId()).append(": ").append(u.reason()));
            return s.toString();
        }
    }

    static String describe(Order o) {
        if (o == null) {
            return "no order";
        }
        return o.state().name().toLowerCase() + " v" + o.version() + o.inFlight()
                .map(f -> " (" + f.transition().name().toLowerCase() + " in flight " + f.requestId() + " until "
                        + f.deadline() + (f.heldReason() == null ? "" : ", held: " + f.heldReason()) + ")")
                .orElse("");
    }

    private final OrderMachine machine;
    Order order;
    Instant now;

    private final List<Turn> turns = new ArrayList<>();
    private final Map<String, EffectRequest> requests = new LinkedHashMap<>();
    private final Map<Worker, Deque<EffectRequest>> queues = new EnumMap<>(Worker.class);
    private final Map<Worker, Deque<Outcome>> outboxes = new EnumMap<>(Worker.class);
    private final List<Outcome> delivered = new ArrayList<>();
    private final Map<String, Fact> stock = new LinkedHashMap<>();
    private final Map<String, Fact> payments = new LinkedHashMap<>();
    private final Map<String, Fact> labels = new LinkedHashMap<>();
    /** Gating requests whose transition the engine applied. */
    private final Set<String> applied = new HashSet<>();
    /** Gating requests the engine gave up (timed out or preempted by cancel), oldest first. */
    private final List<String> abandoned = new ArrayList<>();
    /** Requests the engine flagged for staff: follow-ups answered FAILED or never answered, a capture given up. */
    private final Set<String> flagged = new LinkedHashSet<>();
    /** The carrier has the parcel delivered (whether or not its report reached the engine): its label is final. */
    private boolean parcelDelivered;
    /** Command ids and the first answer the order remembered for each. */
    private final Map<String, CommandOutcome> answered = new HashMap<>();
    private long lastRequestSeq;
    private int outcomeSeq;

    ChoreographyWorld(Instant start) {
        this(MACHINE, start);
    }

    ChoreographyWorld(OrderMachine machine, Instant start) {
        this.machine = machine;
        this.now = start;
        for (Worker w : Worker.values()) {
            queues.put(w, new ArrayDeque<>());
            outboxes.put(w, new ArrayDeque<>());
        }
    }

    // ------------------------------------------------------------------------------------------------ commands

    Decision place() {
        return command(Command.of("cmd-place", ORDER_ID, PLACE).with(Fixtures.details()),
                new Actor(CUSTOMER_ID, Role.CUSTOMER));
    }

    /** Sends {@code transition} as a fresh command (id {@code cmd-<n>}) by a typical person in {@code role}. */
    Decision command(Transition transition, Role role) {
        return command(Command.of("cmd-" + (turns.size() + 1), ORDER_ID, transition).because("asked by " + role),
                Fixtures.actor(role));
    }

    Decision command(Command command, Actor actor) {
        Order before = order;
        Optional<CommandOutcome> first = Optional.ofNullable(answered.get(command.commandId()));
        Decision decision = machine.decide(before, command, actor, now);
        if (first.isEmpty() && decision.next().isPresent()) {
            answered.put(command.commandId(), decision.outcome());
        }
        List<StateChange> changes = decision instanceof Decision.Applied a ? List.of(a.change()) : List.of();
        Turn turn = new Turn(turns.size(), command.commandId() + " " + command.transition() + " by " + actor
                + command.expectedVersion().stream().mapToObj(v -> " expecting v" + v).findFirst().orElse(""),
                now, before, decision.next().orElse(before), changes, decision.requests(), List.of(), decision, null);
        checkDecision(turn, command, actor, first);
        record(turn);
        return decision;
    }

    // ------------------------------------------------------------------------------------------------ workers

    /** The requests a worker has received and not yet answered finally, oldest first. */
    List<EffectRequest> queue(Worker worker) {
        return List.copyOf(queues.get(worker));
    }

    List<EffectRequest> outstanding() {
        return queues.values().stream().flatMap(Deque::stream).toList();
    }

    List<Outcome> undelivered(Worker worker) {
        return List.copyOf(outboxes.get(worker));
    }

    List<Outcome> delivered() {
        return List.copyOf(delivered);
    }

    EffectRequest request(String requestId) {
        return requests.get(requestId);
    }

    List<EffectRequest> requests() {
        return List.copyOf(requests.values());
    }

    /** The request the order is waiting for. */
    String inFlightId() {
        return order.inFlight().map(InFlight::requestId).orElseThrow(() -> new AssertionError(
                "nothing in flight on " + describe(order)));
    }

    /**
     * The worker answers {@code requestId}, which must be the oldest request it holds (workers take one order's
     * requests in order): it performs the effect when the answer is SUCCEEDED, and the outcome waits in its outbox
     * until delivered.
     */
    Outcome perform(String requestId, OutcomeStatus status, String reason) {
        EffectRequest r = requests.get(requestId);
        assertThat(r).as("request %s was emitted", requestId).isNotNull();
        Deque<EffectRequest> queue = queues.get(Worker.of(r.effect()));
        assertThat(queue).as("request %s is still waiting for its worker", requestId).contains(r);
        assertThat(queue.peek()).as("the %s worker takes the order's requests in the order they were emitted: %s is next,"
                + " not %s", Worker.of(r.effect()), queue.peek().requestId(), requestId).isEqualTo(r);
        String reference = null;
        String tracking = null;
        if (status == OutcomeStatus.SUCCEEDED && r.effect() == VOID_LABEL && parcelDelivered) {
            status = OutcomeStatus.FAILED;
            reason = "delivered label cannot be voided";
        }
        if (status == OutcomeStatus.SUCCEEDED) {
            String id = r.requestId();
            String target = r.targetRequestId();
            switch (r.effect()) {
                case RESERVE_STOCK -> stock.put(id, Fact.RESERVED);
                case RELEASE_STOCK -> undo(stock, target, Fact.RESERVED, Fact.RELEASED);
                case DEDUCT_STOCK -> undo(stock, target, Fact.RESERVED, Fact.DEDUCTED);
                case RESTORE_STOCK -> undo(stock, target, Fact.DEDUCTED, Fact.RESERVED);
                case CAPTURE_PAYMENT -> {
                    payments.put(id, Fact.CAPTURED);
                    reference = "ch-" + id;
                }
                case VOID_PAYMENT -> undo(payments, target, Fact.CAPTURED, Fact.VOIDED);
                case REFUND_PAYMENT -> {
                    undo(payments, target, Fact.CAPTURED, Fact.REFUNDED);
                    reference = "rf-" + id;
                }
                case CREATE_LABEL -> {
                    labels.put(id, Fact.LABELLED);
                    reference = "lbl-" + id;
                    tracking = "trk-" + id;
                }
                case VOID_LABEL -> undo(labels, target, Fact.LABELLED, Fact.LABEL_VOIDED);
                case TRACK_SHIPMENT -> throw new AssertionError("nobody requests tracking");
            }
        }
        if (status != OutcomeStatus.HELD) {
            queue.remove(r);
        }
        Outcome outcome = new Outcome("out-" + (++outcomeSeq), requestId, r.effect(), status,
                status == OutcomeStatus.SUCCEEDED ? null : reason, reference, tracking, null);
        outboxes.get(Worker.of(r.effect())).add(outcome);
        return outcome;
    }

    private static void undo(Map<String, Fact> facts, String target, Fact from, Fact to) {
        facts.replaceAll((id, fact) -> (target == null || target.equals(id)) && fact == from ? to : fact);
    }

    /** The worker answers {@code requestId} and the outcome reaches the engine at once. */
    Reaction answer(String requestId, OutcomeStatus status, String reason) {
        Outcome outcome = perform(requestId, status, reason);
        outboxes.get(Worker.of(outcome.effect())).remove(outcome);
        return deliver(outcome);
    }

    Reaction succeed(String requestId) {
        return answer(requestId, OutcomeStatus.SUCCEEDED, null);
    }

    Reaction fail(String requestId, String reason) {
        return answer(requestId, OutcomeStatus.FAILED, reason);
    }

    Reaction hold(String requestId, String reason) {
        return answer(requestId, OutcomeStatus.HELD, reason);
    }

    /** The worker answers the oldest request it holds. */
    Optional<Outcome> work(Worker worker, OutcomeStatus status, String reason) {
        EffectRequest r = queues.get(worker).peek();
        return r == null ? Optional.empty() : Optional.of(perform(r.requestId(), status, reason));
    }

    /** The oldest outcome still in {@code worker}'s outbox reaches the engine. */
    Optional<Reaction> deliverNext(Worker worker) {
        Outcome next = outboxes.get(worker).poll();
        return next == null ? Optional.empty() : Optional.of(deliver(next));
    }

    /** {@code outcome} reaches the engine (again, if it was delivered before). */
    Reaction deliver(Outcome outcome) {
        Order before = order;
        Reaction reaction = machine.react(before, outcome, now);
        Turn turn = new Turn(turns.size(), "outcome " + outcome.outcomeId() + " " + outcome.status() + " of "
                + Optional.ofNullable(outcome.requestId()).orElse("-") + " " + outcome.effect()
                + (outcome.reason() == null ? "" : " (" + outcome.reason() + ")")
                + (outcome.trackingStatus() == null ? "" : " tracking " + outcome.trackingStatus())
                + (delivered.contains(outcome) ? " again" : ""),
                now, before, reaction.order(), reaction.changes(), reaction.requests(), reaction.updates(), null,
                outcome);
        checkOutcome(turn);
        delivered.add(outcome);
        record(turn);
        return reaction;
    }

    /** The oldest outcome in {@code worker}'s outbox is lost on its way (dead-lettered): the engine never sees it. */
    Optional<Outcome> lose(Worker worker) {
        return Optional.ofNullable(outboxes.get(worker).poll());
    }

    /** The carrier delivers a labelled parcel, but its report never reaches the engine. */
    void deliverUnreported() {
        parcelDelivered |= order != null && order.state() == OrderState.SHIPPED;
    }

    /** The carrier's unsolicited news about the parcel. */
    Reaction track(String trackingStatus) {
        if (Outcome.DELIVERED.equals(trackingStatus)) {
            deliverUnreported();
            if (!labels.containsValue(Fact.LABELLED)) {
                trackingStatus = "IN_TRANSIT"; // the carrier delivers only a parcel with a live label
            }
        }
        return deliver(new Outcome("out-" + (++outcomeSeq), null, Effect.TRACK_SHIPMENT, OutcomeStatus.UPDATE, null,
                null, Optional.ofNullable(order.fulfilment().trackingNumber()).orElse("trk-unknown"), trackingStatus));
    }

    // ------------------------------------------------------------------------------------------------ time

    /** Moves the clock (never backwards) and lets the punctuator act on the order, as often as its deadlines pass. */
    List<Reaction> advanceTo(Instant later) {
        assertThat(later).as("the clock never goes back").isAfterOrEqualTo(now);
        now = later;
        return punctuate();
    }

    List<Reaction> advance(Duration by) {
        return advanceTo(now.plus(by));
    }

    /** Moves the clock to just past the order's next deadline, if it has one. */
    List<Reaction> passDeadline(Duration slack) {
        Optional<Instant> deadline = order.deadline(TIMEOUTS);
        return deadline.map(d -> advanceTo(d.isAfter(now) ? d.plus(slack) : now)).orElseGet(List::of);
    }

    /** The punctuator: calls onDeadline until the order has no passed deadline; a quiet call changes nothing. */
    List<Reaction> punctuate() {
        List<Reaction> reactions = new ArrayList<>();
        for (int round = 0; ; round++) {
            assertThat(round).as("deadlines settle on %s at %s", describe(order), now).isLessThan(4);
            Order before = order;
            Optional<Instant> due = before.deadline(TIMEOUTS);
            Reaction reaction = machine.onDeadline(before, now);
            if (due.isEmpty() || due.get().isAfter(now)) {
                assertThat(reaction.isEmpty()).as("onDeadline before any deadline passed does nothing: %s", reaction)
                        .isTrue();
                assertThat(reaction.order()).as("onDeadline before any deadline changes nothing").isEqualTo(before);
                return reactions;
            }
            Turn turn = new Turn(turns.size(), "deadline " + due.get() + " passed", now, before, reaction.order(),
                    reaction.changes(), reaction.requests(), reaction.updates(), null, null);
            checkDeadline(turn, due.get());
            record(turn);
            reactions.add(reaction);
        }
    }

    // ------------------------------------------------------------------------------------------------ quiescence

    /**
     * Lets the world settle with the clock standing still: every undelivered outcome reaches the engine, and every
     * outstanding request (held ones included) is answered SUCCEEDED, including whatever those answers start.
     */
    void quiesce() {
        for (int round = 0; round < 1_000; round++) {
            Optional<Worker> withOutcome = workers().filter(w -> !outboxes.get(w).isEmpty()).findFirst();
            if (withOutcome.isPresent()) {
                deliverNext(withOutcome.get());
                continue;
            }
            Optional<Worker> withWork = workers().filter(w -> !queues.get(w).isEmpty()).findFirst();
            if (withWork.isPresent()) {
                perform(queues.get(withWork.get()).peek().requestId(), OutcomeStatus.SUCCEEDED, null);
                continue;
            }
            return;
        }
        throw new AssertionError("the world did not settle in 1000 rounds:\n" + trace());
    }

    /**
     * Settles, then lets the clock run past every deadline the order has left (a lost answer is only noticed by its
     * deadline) and settles again, until nothing is left to happen.
     */
    void settleWithTime() {
        quiesce();
        for (int round = 0; round < 10; round++) {
            Optional<Instant> next = order.deadline(TIMEOUTS);
            boolean waiting = order.inFlight().isPresent() || !order.workflow().followUps().isEmpty();
            if (next.isEmpty() || !waiting) {
                return;
            }
            advanceTo(next.get().isAfter(now) ? next.get().plusSeconds(1) : now);
            quiesce();
        }
    }

    private static java.util.stream.Stream<Worker> workers() {
        return java.util.stream.Stream.of(Worker.values());
    }

    private static long count(Map<String, Fact> facts, Fact fact) {
        return facts.values().stream().filter(fact::equals).count();
    }

    Map<String, Fact> stock() {
        return Map.copyOf(stock);
    }

    Map<String, Fact> payments() {
        return Map.copyOf(payments);
    }

    Map<String, Fact> labels() {
        return Map.copyOf(labels);
    }

    /** Gating requests the engine gave up (timed out or preempted by cancel), oldest first. */
    List<String> abandoned() {
        return List.copyOf(abandoned);
    }

    /** Follow-ups and compensations the workers answered FAILED and the engine flagged. */
    Set<String> flagged() {
        return Set.copyOf(flagged);
    }

    /** The abandoned requests the order still remembers: the latest {@link Workflow#REMEMBERED_REQUESTS}. */
    private List<String> rememberedAbandoned() {
        return abandoned.subList(Math.max(0, abandoned.size() - Workflow.REMEMBERED_REQUESTS), abandoned.size());
    }

    /**
     * docs/design.md invariant 2 in the model of the outside world, for a settled world: the order's state and the effects
     * it holds agree, and no effect of an abandoned request is left standing. Empty when all hold.
     */
    List<String> quiescentViolations() {
        List<String> v = new ArrayList<>();
        if (!outstanding().isEmpty() || workers().anyMatch(w -> !outboxes.get(w).isEmpty())) {
            v.add("the world has not settled: outstanding " + outstanding());
        }
        if (order.inFlight().isPresent()) {
            v.add("still in flight after every request was answered: " + describe(order));
        }
        OrderState s = order.state();
        long reserved = count(stock, Fact.RESERVED);
        long deducted = count(stock, Fact.DEDUCTED);
        long captured = count(payments, Fact.CAPTURED);
        long refunded = count(payments, Fact.REFUNDED);
        long labelled = count(labels, Fact.LABELLED);
        boolean holdsStock = s == OrderState.CONFIRMED || s == OrderState.PAID;
        boolean holdsPayment = s == OrderState.PAID || s == OrderState.SHIPPED || s == OrderState.DELIVERED;
        boolean sent = s == OrderState.SHIPPED || s == OrderState.DELIVERED;
        expect(v, "live reservations", reserved, holdsStock ? 1 : 0);
        if (s != OrderState.REFUNDED) {
            expect(v, "stock shipped (deducted)", deducted, sent ? 1 : 0);
        } else if (deducted > 1) {
            v.add("refunded, " + deducted + " reservations shipped (deducted); at most 1 expected");
        }
        expect(v, "live captures", captured, holdsPayment ? 1 : 0);
        if (s == OrderState.REFUNDED) {
            expect(v, "refunded captures", refunded, 1);
        } else {
            expect(v, "refunded captures", refunded, 0);
        }
        if (s != OrderState.REFUNDED) {
            expect(v, "live labels", labelled, sent ? 1 : 0);
        }
        Fulfilment f = order.fulfilment();
        if (holdsPayment && captured == 1) {
            String live = live(payments, Fact.CAPTURED);
            if (!("ch-" + live).equals(f.paymentReference())) {
                v.add("payment reference " + f.paymentReference() + " is not the live capture of " + live);
            }
        }
        if (sent && labelled == 1) {
            String live = live(labels, Fact.LABELLED);
            if (!("lbl-" + live).equals(f.labelId()) || !("trk-" + live).equals(f.trackingNumber())) {
                v.add("label " + f.labelId() + " / " + f.trackingNumber() + " is not the live label of " + live);
            }
        }
        if (!sent && s != OrderState.REFUNDED && (f.labelId() != null || f.trackingNumber() != null)) {
            v.add(s + " still names label " + f.labelId() + " / " + f.trackingNumber());
        }
        for (EffectRequest r : requests.values()) {
            if (r.compensation() || !UNDO.containsKey(r.effect()) || applied.contains(r.requestId())) {
                continue;
            }
            Fact fact = switch (r.effect()) {
                case RESERVE_STOCK -> stock.get(r.requestId());
                case CAPTURE_PAYMENT -> payments.get(r.requestId());
                default -> labels.get(r.requestId());
            };
            if (fact == Fact.RESERVED || fact == Fact.DEDUCTED || fact == Fact.CAPTURED || fact == Fact.LABELLED) {
                v.add("abandoned " + r.requestId() + " (" + r.effect() + " for " + r.transition() + ") is still "
                        + fact);
            }
        }
        if (!v.isEmpty()) {
            v.add(0, "order " + describe(order) + "; stock " + stock + ", payments " + payments + ", labels " + labels
                    + ", fulfilment " + f);
        }
        return v;
    }

    private static void expect(List<String> v, String what, long actual, long expected) {
        if (actual != expected) {
            v.add(what + ": " + actual + ", expected " + expected);
        }
    }

    private static String live(Map<String, Fact> facts, Fact fact) {
        return facts.entrySet().stream().filter(e -> e.getValue() == fact).map(Map.Entry::getKey).findFirst()
                .orElseThrow();
    }

    // ------------------------------------------------------------------------------------------------ bookkeeping

    List<Turn> turns() {
        return List.copyOf(turns);
    }

    Turn lastTurn() {
        return turns.get(turns.size() - 1);
    }

    String trace() {
        return turns.stream().map(Turn::toString).collect(Collectors.joining("\n"));
    }

    private void record(Turn turn) {
        checkTurn(turn);
        turns.add(turn);
        order = turn.after();
        for (EffectRequest r : turn.requests()) {
            requests.put(r.requestId(), r);
            queues.get(Worker.of(r.effect())).add(r);
        }
    }

    // ------------------------------------------------------------------------------------------------ invariants

    /** Per-step invariants that hold for every kind of turn. */
    private void checkTurn(Turn t) {
        Order b = t.before();
        Order a = t.after();
        String at = "%s";
        if (a == null) {
            assertThat(t.changes()).as(at, t).isEmpty();
            assertThat(t.requests()).as(at, t).isEmpty();
            return;
        }
        if (b != null) {
            assertThat(a.id()).as(at, t).isEqualTo(b.id());
            assertThat(a.details()).as(at, t).isEqualTo(b.details());
            assertThat(a.total()).as(at, t).isEqualTo(b.total());
            assertThat(a.placedAt()).as(at, t).isEqualTo(b.placedAt());
        }

        // The version grows by exactly one per state change and never otherwise; each change is one the table allows.
        long v0 = b == null ? 0 : b.version();
        assertThat(a.version()).as("%s: version grows by one per state change", t).isEqualTo(v0 + t.changes().size());
        OrderState state = b == null ? null : b.state();
        for (int i = 0; i < t.changes().size(); i++) {
            StateChange c = t.changes().get(i);
            ExpectedTable.Row row = ExpectedTable.row(c.transition());
            assertThat(c.version()).as("%s: change %s version", t, i).isEqualTo(v0 + i + 1);
            assertThat(c.from()).as("%s: change %s starts where the order was", t, i).isEqualTo(state);
            if (c.from() == null) {
                assertThat(c.transition()).as(at, t).isEqualTo(PLACE);
            } else {
                assertThat(row.startsFrom(c.from())).as("%s: the table allows %s from %s", t, c.transition(), c.from())
                        .isTrue();
            }
            assertThat(c.to()).as("%s: %s lands where the table says", t, c.transition()).isEqualTo(row.to());
            assertThat(row.allows(c.actor().role())).as("%s: %s may take %s", t, c.actor(), c.transition()).isTrue();
            state = c.to();
        }
        assertThat(a.state()).as("%s: the state changes only by a state change", t).isEqualTo(state);

        // At most one transition in flight, on a state it can start from, and the order keeps its visible state.
        InFlight before = b == null ? null : b.inFlight().orElse(null);
        InFlight after = a.inFlight().orElse(null);
        if (after != null) {
            assertThat(after.effect()).as("%s: in-flight effect", t).isEqualTo(GATING.get(after.transition()));
            assertThat(ExpectedTable.row(after.transition()).startsFrom(a.state()))
                    .as("%s: %s in flight from %s", t, after.transition(), a.state()).isTrue();
            assertThat(a.deadline(TIMEOUTS).orElseThrow()).as("%s: the order's deadline is at the latest its "
                    + "in-flight deadline", t).isBeforeOrEqualTo(after.deadline());
            assertThat(after.deadline()).as("%s: in-flight deadline after its start", t).isAfter(after.startedAt());
        }
        boolean sameFlight = before != null && after != null && before.requestId().equals(after.requestId());
        if (sameFlight) {
            assertThat(t.changes()).as("%s: nothing applies while %s is in flight", t, before.requestId()).isEmpty();
            assertThat(a.state()).as(at, t).isEqualTo(b.state());
            assertThat(after.deadline()).as("%s: a deadline is only ever extended", t)
                    .isAfterOrEqualTo(before.deadline());
            assertThat(after.transition()).isEqualTo(before.transition());
            assertThat(after.startedAt()).isEqualTo(before.startedAt());
        }

        // Requests: unique sequential ids, -r<n> for one a transition waits for, -f<n> for a compensation or follow-up;
        // a gating request is the one now in flight; compensations undo a real request.
        int gating = 0;
        for (EffectRequest r : t.requests()) {
            assertThat(r.requestId()).as("%s: request ids are unique and sequential, -r gating, -f otherwise", t)
                    .isEqualTo(ORDER_ID + (r.compensation() ? "-f" : "-r") + (++lastRequestSeq));
            assertThat(r.deadline()).as("%s: request deadline", t).isAfter(t.now());
            if (!r.compensation()) {
                gating++;
                assertThat(after).as("%s: %s is in flight", t, r.requestId()).isNotNull();
                assertThat(r.requestId()).as(at, t).isEqualTo(after.requestId());
                assertThat(r.transition()).as(at, t).isEqualTo(after.transition());
                assertThat(r.effect()).as(at, t).isEqualTo(after.effect());
                assertThat(r.deadline()).as(at, t).isEqualTo(after.deadline());
                assertThat(r.targetRequestId()).as(at, t).isNull();
            } else if (r.targetRequestId() != null) {
                EffectRequest target = requests.get(r.targetRequestId());
                assertThat(target).as("%s: %s undoes a request the engine made", t, r.requestId()).isNotNull();
                assertThat(target.compensation()).as("%s: only a gating effect is undone", t).isFalse();
                assertThat(r.effect()).as("%s: the undo of %s", t, target.effect()).isEqualTo(UNDO.get(target.effect()));
                assertThat(r.transition()).as(at, t).isEqualTo(target.transition());
                assertThat(after == null || !after.requestId().equals(target.requestId()))
                        .as("%s: never undoes the request in flight", t).isTrue();
            } else {
                assertThat(t.changes().stream().anyMatch(c -> c.transition() == r.transition()
                        && FOLLOW_UP.get(c.transition()) == r.effect()))
                        .as("%s: %s follows up a change of this turn", t, r.requestId()).isTrue();
            }
        }
        assertThat(a.workflow().requestSeq()).as("%s: the order counts every request it made", t)
                .isEqualTo(lastRequestSeq);
        assertThat(gating).as("%s: at most one transition in flight", t).isLessThanOrEqualTo(1);
        if (after != null && !sameFlight) {
            assertThat(gating).as("%s: a new flight %s emits its request", t, after.requestId()).isEqualTo(1);
        }
        for (StateChange c : t.changes()) {
            Effect followUp = FOLLOW_UP.get(c.transition());
            long emitted = t.requests().stream().filter(r -> r.compensation() && r.targetRequestId() == null
                    && r.transition() == c.transition()).count();
            assertThat(emitted).as("%s: follow-ups of %s", t, c.transition()).isEqualTo(followUp == null ? 0 : 1);
        }

        // The automatic path: after a change, the engine starts the next step, or nothing stays in flight.
        if (!t.changes().isEmpty()) {
            Transition next = AUTO_NEXT.get(t.changes().get(t.changes().size() - 1).transition());
            if (next != null && ExpectedTable.row(next).startsFrom(a.state())) {
                assertThat(after).as("%s: %s starts on the automatic path", t, next).isNotNull();
                assertThat(after.transition()).as(at, t).isEqualTo(next);
                assertThat(after.actor()).as(at, t).isEqualTo(OrderMachine.ENGINE);
                Instant from = ExpectedTable.row(next).businessHours()
                        ? Fixtures.HOURS.nextOpening(t.now()).orElseThrow().toInstant() : t.now();
                assertThat(after.deadline()).as("%s: automatic deadline", t).isEqualTo(from.plus(TIMEOUTS.inFlight()));
            } else {
                assertThat(after).as("%s: nothing in flight after the change", t).isNull();
            }
        }

        // A flight that ended in this turn ended visibly: applied, rolled back, or preempted by cancel.
        if (before != null && !sameFlight) {
            Outcome o = t.outcome();
            boolean answered = o != null && before.requestId().equals(o.requestId());
            boolean completed = answered && o.status() == OutcomeStatus.SUCCEEDED && !t.changes().isEmpty()
                    && t.changes().get(0).transition() == before.transition();
            boolean failed = answered && o.status() == OutcomeStatus.FAILED && t.changes().isEmpty();
            boolean timedOut = o == null && t.decision() == null && t.changes().isEmpty();
            boolean preempted = t.decision() instanceof Decision.Applied && t.changes().size() >= 1
                    && t.changes().get(0).transition() == CANCEL;
            boolean deliveredDuringUnship = o != null && o.effect() == Effect.TRACK_SHIPMENT
                    && before.transition() == UNSHIP && !t.changes().isEmpty()
                    && t.changes().get(0).transition() == Transition.DELIVER;
            if (deliveredDuringUnship) {
                abandoned.add(before.requestId());
            }
            assertThat(completed || failed || timedOut || preempted || deliveredDuringUnship)
                    .as("%s: %s ended by its own outcome, its deadline or a cancel", t, before.requestId()).isTrue();
            if (completed) {
                applied.add(before.requestId());
            }
            if (failed || timedOut) {
                assertThat(t.updates()).as("%s: the rollback is visible", t).anySatisfy(u -> {
                    assertThat(u.status()).isEqualTo(UpdateStatus.ROLLED_BACK);
                    assertThat(u.requestId()).isEqualTo(before.requestId());
                });
                if (t.updates().stream().noneMatch(u -> u.status() == UpdateStatus.FLAGGED)) {
                    assertThat(a.workflow().note()).as(at, t).contains(before.transition().name().toLowerCase());
                }
            }
            long undone = t.requests().stream().filter(r -> before.requestId().equals(r.targetRequestId())).count();
            boolean givenUp = timedOut || preempted;
            if (givenUp) {
                // What cannot be undone is never given up: the engine waits for its final answer instead.
                assertThat(UNDO).as("%s: %s (%s) was abandoned although it cannot be undone", t, before.requestId(),
                        before.effect()).containsKey(before.effect());
                abandoned.add(before.requestId());
            }
            assertThat(undone).as("%s: %s is compensated iff abandoned", t, before.requestId())
                    .isEqualTo(givenUp ? 1 : 0);
        }
        if (before != null && t.decision() == null && t.outcome() == null && sameFlight
                && !before.deadline().isAfter(t.now())) {
            assertThat(mustLearn(before.effect()))
                    .as("%s: a passed in-flight deadline ends the flight unless its outcome must be learned", t)
                    .isTrue();
        }
        assertThat(a.workflow().abandonedRequests()).as("%s: the order remembers the requests it gave up", t)
                .containsExactlyElementsOf(rememberedAbandoned());
    }

    /** What a command may do, beyond {@link #checkTurn}. */
    private void checkDecision(Turn t, Command command, Actor actor, Optional<CommandOutcome> first) {
        Decision d = t.decision();
        Order b = t.before();
        Order a = t.after();
        assertThat(d.outcome().commandId()).as("%s", t).isEqualTo(command.commandId());
        String expected = expected(b, command, actor, t.now(), first);
        String actual = d instanceof Decision.Applied ? "APPLIED" : d instanceof Decision.Started ? "STARTED"
                : d instanceof Decision.Duplicate ? "DUPLICATE" : ((Decision.Rejected) d).code().name();
        assertThat(actual).as("%s: the answer the table gives", t).isEqualTo(expected);
        CommandStatus status = d instanceof Decision.Applied ? CommandStatus.APPLIED
                : d instanceof Decision.Started ? CommandStatus.IN_FLIGHT
                : d instanceof Decision.Duplicate ? CommandStatus.DUPLICATE : CommandStatus.REJECTED;
        assertThat(d.outcome().status()).as("%s", t).isEqualTo(status);
        if (d instanceof Decision.Duplicate || d instanceof Decision.Rejected) {
            assertThat(t.requests()).as("%s: a refusal asks nothing of the workers", t).isEmpty();
            if (b != null) {
                assertThat(a.state()).as("%s", t).isEqualTo(b.state());
                assertThat(a.workflow()).as("%s: a refusal leaves the workflow alone", t).isEqualTo(b.workflow());
                assertThat(a.fulfilment()).as("%s", t).isEqualTo(b.fulfilment());
            }
        }
        if (d instanceof Decision.Rejected r && r.code() == RejectionCode.TRANSITION_IN_FLIGHT) {
            InFlight f = b.inFlight().orElseThrow();
            assertThat(r.reason()).as("%s", t).contains(ORDER_ID, "waiting for",
                    f.transition().name().toLowerCase() + " in flight since " + f.startedAt(),
                    command.transition().name().toLowerCase() + " can be taken when it completes");
        }
        if (d instanceof Decision.Started s) {
            InFlight f = a.inFlight().orElseThrow();
            assertThat(a.state()).as("%s: in flight, the order keeps its state", t).isEqualTo(b.state());
            assertThat(a.version()).as("%s: in flight, the order keeps its version", t).isEqualTo(b.version());
            assertThat(f.actor()).as("%s", t).isEqualTo(actor);
            assertThat(f.commandId()).as("%s", t).isEqualTo(command.commandId());
            assertThat(f.transition()).as("%s", t).isEqualTo(command.transition());
            assertThat(s.requests()).as("%s", t).hasSize(1);
            Instant from = actor.role() == Role.SYSTEM && ExpectedTable.row(command.transition()).businessHours()
                    ? Fixtures.HOURS.nextOpening(t.now()).orElseThrow().toInstant() : t.now();
            assertThat(f.deadline()).as("%s: deadline of a started transition", t)
                    .isEqualTo(from.plus(TIMEOUTS.inFlight()));
        }
    }

    /**
     * The answer expected for a command, checked in this order: a remembered command id, the order's existence, the
     * role, the customer's ownership, the expected version, the state, a transition in flight (which only cancel
     * overrides), business hours; then STARTED when the transition waits for a worker, else APPLIED.
     */
    static String expected(Order before, Command command, Actor actor, Instant now, Optional<CommandOutcome> first) {
        if (first.isPresent()) {
            return "DUPLICATE";
        }
        Transition transition = command.transition();
        ExpectedTable.Row row = ExpectedTable.row(transition);
        Role role = actor.role();
        boolean own = role != Role.CUSTOMER || actor.userId().equals(CUSTOMER_ID);
        if (transition == PLACE) {
            return before != null ? "ORDER_EXISTS" : row.allows(role) && own ? "APPLIED" : "FORBIDDEN";
        }
        if (before == null) {
            return "UNKNOWN_ORDER";
        }
        if (!row.allows(role) || !own) {
            return "FORBIDDEN";
        }
        if (command.expectedVersion().isPresent() && command.expectedVersion().getAsLong() != before.version()) {
            return "VERSION_CONFLICT";
        }
        if (!row.startsFrom(before.state())) {
            return "INVALID_TRANSITION";
        }
        if (before.inFlight().isPresent() && transition != CANCEL) {
            return "TRANSITION_IN_FLIGHT";
        }
        if (row.businessHours() && role != Role.SYSTEM && !Fixtures.HOURS.isOpen(now)) {
            return "OUTSIDE_BUSINESS_HOURS";
        }
        return GATING.containsKey(transition) ? "STARTED" : "APPLIED";
    }

    /** What an outcome may do, beyond {@link #checkTurn}. */
    private void checkOutcome(Turn t) {
        Outcome o = t.outcome();
        Order b = t.before();
        Order a = t.after();
        InFlight f = b.inFlight().orElse(null);
        assertThat(a.recentCommands()).as("%s: outcomes leave the command memory alone", t)
                .isEqualTo(b.recentCommands());
        if (o.effect() == Effect.TRACK_SHIPMENT) {
            // A delivery report wins over an unship in flight: the parcel arrived.
            boolean deliverable = Outcome.DELIVERED.equals(o.trackingStatus()) && b.state() == OrderState.SHIPPED
                    && (f == null || f.transition() == UNSHIP);
            if (deliverable) {
                assertThat(t.changes()).as("%s", t).singleElement().satisfies(c -> {
                    assertThat(c.transition()).isEqualTo(Transition.DELIVER);
                    assertThat(c.actor()).isEqualTo(OrderMachine.CARRIER);
                });
            } else {
                assertThat(t.isNothing(b)).as("%s: tracking news changes nothing here", t).isTrue();
            }
            return;
        }
        boolean current = f != null && f.requestId().equals(o.requestId());
        if (current) {
            switch (o.status()) {
                case SUCCEEDED -> assertThat(t.changes()).as("%s: success applies", t).isNotEmpty();
                case FAILED -> assertThat(t.requests()).as("%s: a failure needs no compensation", t).isEmpty();
                case HELD -> {
                    InFlight held = a.inFlight().orElseThrow();
                    assertThat(held.requestId()).isEqualTo(f.requestId());
                    if (o.reason().equals(f.heldReason())) {
                        assertThat(t.isNothing(b)).as("%s: a repeated hold changes nothing", t).isTrue();
                    } else {
                        assertThat(held.heldReason()).isEqualTo(o.reason());
                        assertThat(a.workflow().note()).as("%s", t).isEqualTo("held: " + o.reason());
                        assertThat(t.updates()).as("%s", t).containsExactly(
                                new OrderUpdate(f.transition(), UpdateStatus.HELD, o.reason(), f.requestId()));
                        assertThat(held.deadline()).as("%s: held deadline", t)
                                .isAfterOrEqualTo(t.now().plus(TIMEOUTS.held()));
                    }
                }
                case UPDATE -> assertThat(t.isNothing(b)).isTrue();
            }
            return;
        }
        // Not the request in flight: a stale, late or repeated answer. It never changes the order's state.
        assertThat(t.changes()).as("%s: an answer to a request not in flight applies nothing", t).isEmpty();
        assertThat(a.inFlight()).as("%s: and leaves the flight alone", t).isEqualTo(b.inFlight());
        assertThat(a.fulfilment()).as("%s", t).isEqualTo(b.fulfilment());
        assertThat(a.state()).as("%s", t).isEqualTo(b.state());
        assertThat(a.version()).as("%s", t).isEqualTo(b.version());
        EffectRequest r = requests.get(o.requestId());
        Optional<WatchedRequest> watched = b.workflow().watched(o.requestId());
        if (watched.isPresent()) {
            assertThat(r.compensation()).as("%s: only follow-ups and compensations are watched", t).isTrue();
            assertThat(t.requests()).as("%s: the engine does not retry a follow-up (the worker did)", t).isEmpty();
            switch (o.status()) {
                case SUCCEEDED -> {
                    assertThat(t.updates()).as("%s", t).isEmpty();
                    assertThat(a.workflow()).as("%s: a final answer ends the watch", t)
                            .isEqualTo(b.workflow().unwatched(o.requestId()));
                }
                case FAILED -> {
                    // A compensation or follow-up that failed leaves the world out of step: flagged for staff.
                    String why = r.effect().name().toLowerCase() + " failed for " + r.requestId() + ": " + o.reason()
                            + "; needs attention";
                    assertThat(t.updates()).as("%s: a failed follow-up is flagged", t)
                            .containsExactly(new OrderUpdate(r.transition(), UpdateStatus.FLAGGED, why, r.requestId()));
                    assertThat(a.workflow().note()).as("%s", t).isEqualTo(why);
                    assertThat(a.workflow().flag()).as("%s", t).isEqualTo(why);
                    assertThat(a.workflow().watched(o.requestId())).as("%s: flagged once", t).isEmpty();
                    flagged.add(r.requestId());
                }
                case HELD -> {
                    assertThat(t.updates()).as("%s", t).isEmpty();
                    assertThat(a.workflow().watched(o.requestId()).orElseThrow().deadline())
                            .as("%s: a hold stretches the watch", t).isAfterOrEqualTo(t.now().plus(TIMEOUTS.held()));
                }
                case UPDATE -> assertThat(t.isNothing(b)).isTrue();
            }
            return;
        }
        // Only a success of a request the engine gave up is undone; a repeat of anything else (however old) is not.
        boolean lateSuccess = o.status() == OutcomeStatus.SUCCEEDED && !r.compensation()
                && UNDO.containsKey(r.effect()) && rememberedAbandoned().contains(r.requestId());
        if (lateSuccess) {
            assertThat(t.requests()).as("%s: a late success is undone", t).singleElement().satisfies(c -> {
                assertThat(c.compensation()).isTrue();
                assertThat(c.targetRequestId()).isEqualTo(r.requestId());
                assertThat(c.effect()).isEqualTo(UNDO.get(r.effect()));
                assertThat(c.transition()).isEqualTo(r.transition());
            });
            assertThat(t.updates()).as("%s", t).isEmpty();
        } else {
            assertThat(t.isNothing(b)).as("%s: changes nothing (a repeat never flags twice)", t).isTrue();
        }
    }

    /** What a passed deadline may do, beyond {@link #checkTurn}. */
    private void checkDeadline(Turn t, Instant due) {
        Order b = t.before();
        Order a = t.after();
        assertThat(a.recentCommands()).as("%s", t).isEqualTo(b.recentCommands());
        for (WatchedRequest w : b.workflow().followUps()) {
            if (!w.deadline().isAfter(t.now())) {
                // A follow-up with no final answer by its deadline was lost (dead-lettered, or its worker is gone).
                assertThat(t.updates()).as("%s: an unanswered follow-up is flagged", t).anySatisfy(u -> {
                    assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED);
                    assertThat(u.requestId()).isEqualTo(w.requestId());
                    assertThat(u.reason()).contains(w.requestId(), "needs attention");
                });
                assertThat(a.workflow().watched(w.requestId())).as("%s: flagged once", t).isEmpty();
                flagged.add(w.requestId());
            }
        }
        if (b.inFlight().isPresent()) {
            InFlight f = b.inFlight().get();
            assertThat(t.changes()).as("%s: a passed deadline applies nothing while in flight", t).isEmpty();
            if (f.deadline().isAfter(t.now())) {
                assertThat(a.inFlight()).as("%s: only the follow-ups were due", t).contains(f);
                return;
            }
            String silence = "no answer from the " + Worker.of(f.effect()).name().toLowerCase() + " worker by "
                    + f.deadline();
            boolean gaveUpCapture = f.effect() == CAPTURE_PAYMENT
                    && !t.now().isBefore(f.startedAt().plus(TIMEOUTS.held()));
            if (!mustLearn(f.effect()) || gaveUpCapture) {
                assertThat(a.inFlight()).as("%s: a timed-out flight rolls back", t).isEmpty();
                assertThat(t.updates()).as("%s", t).anySatisfy(u -> {
                    assertThat(u.status()).isEqualTo(UpdateStatus.ROLLED_BACK);
                    assertThat(u.requestId()).isEqualTo(f.requestId());
                    assertThat(u.reason()).contains(silence);
                });
                if (gaveUpCapture) {
                    assertThat(t.updates()).as("%s: a capture given up is flagged", t)
                            .anySatisfy(u -> assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED));
                    flagged.add(f.requestId());
                }
            } else {
                // No undo, or money that may have moved: the engine must learn the outcome, so it keeps waiting.
                InFlight held = a.inFlight().orElseThrow(() -> new AssertionError(t + ": " + f.effect()
                        + " must be learned; the engine must keep waiting for it"));
                assertThat(held.requestId()).as("%s: held, not rolled back", t).isEqualTo(f.requestId());
                assertThat(held.heldReason()).as("%s", t).startsWith(silence);
                assertThat(t.requests()).as("%s: nothing to compensate", t).isEmpty();
                assertThat(a.fulfilment()).as("%s", t).isEqualTo(b.fulfilment());
                t.updates().stream().filter(u -> u.status() == UpdateStatus.FLAGGED && f.requestId().equals(u.requestId()))
                        .forEach(u -> flagged.add(f.requestId()));
            }
        } else if (b.state() == OrderState.CONFIRMED && !t.now().isBefore(b.workflow().stateSince().plus(TIMEOUTS.unpaid()))) {
            assertThat(t.changes()).as("%s: unpaid too long, cancelled", t).singleElement().satisfies(c -> {
                assertThat(c.transition()).isEqualTo(CANCEL);
                assertThat(c.actor()).isEqualTo(OrderMachine.ENGINE);
            });
        } else if (b.state() == OrderState.SHIPPED && !b.workflow().overdueFlagged()
                && !t.now().isBefore(b.workflow().stateSince().plus(TIMEOUTS.delivery()))) {
            assertThat(t.changes()).as("%s", t).isEmpty();
            assertThat(t.updates()).as("%s: flagged", t)
                    .anySatisfy(u -> assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED));
            assertThat(a.workflow().overdueFlagged()).isTrue();
        } else if (b.workflow().retry() != null && !t.now().isBefore(b.workflow().retry().at())) {
            // A stalled step is due: tried again (a new gating request), or given up as the stall policy says.
            Retry retry = b.workflow().retry();
            if (a.inFlight().isPresent()) {
                // The retry stays on the order while in flight: it counts the attempts in a row.
                assertThat(t.changes()).as("%s", t).isEmpty();
                assertThat(a.inFlight().get().transition()).as("%s: the stalled step again", t)
                        .isEqualTo(retry.transition());
                assertThat(t.requests()).as("%s", t).singleElement()
                        .satisfies(r -> assertThat(r.effect()).isEqualTo(GATING.get(retry.transition())));
            } else if (retry.transition() == CONFIRM) {
                assertThat(a.workflow().retry()).as("%s: given up", t).isNull();
                assertThat(t.changes()).as("%s: reservations used up, cancelled", t).singleElement()
                        .satisfies(c -> {
                            assertThat(c.transition()).isEqualTo(CANCEL);
                            assertThat(c.actor()).isEqualTo(OrderMachine.ENGINE);
                        });
            } else {
                assertThat(t.changes()).as("%s", t).isEmpty();
                assertThat(t.updates()).as("%s: labels used up, flagged", t)
                        .anySatisfy(u -> assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED));
            }
        } else {
            assertThat(t.changes()).as("%s: only follow-ups were due", t).isEmpty();
        }
    }
}
