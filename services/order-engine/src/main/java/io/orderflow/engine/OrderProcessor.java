package io.orderflow.engine;

import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.Principals;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.logging.LogContext;
import io.orderflow.domain.Actor;
import io.orderflow.domain.Backlog;
import io.orderflow.domain.CommandOutcome;
import io.orderflow.domain.Decision;
import io.orderflow.domain.EffectRequest;
import io.orderflow.domain.Order;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.OrderUpdate;
import io.orderflow.domain.Reaction;
import io.orderflow.domain.RejectionCode;
import io.orderflow.domain.StateChange;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderRecord;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of order state. For each command or worker outcome it loads the order, asks the pure state machine,
 * stores the result and emits events, effect requests and the command's result, all in one exactly-once transaction.
 * Commands and outcomes for one order arrive on one partition, so changes to an order are serialized. A wall-clock
 * punctuator walks the deadline index, hands due orders to the state machine, and sends the state-count changes
 * gathered since its last run (one record per state, not two per transition).
 *
 * <p>The scan runs every {@code scanInterval} while records arrive; a task at rest scans only when its next deadline
 * comes (at most {@link #REST_SCAN} apart) and not at all without one. Kafka Streams commits a task after every
 * punctuation, so a scan each second cost an exactly-once transaction per second at rest: most of the idle engine's
 * and broker's CPU.
 */
final class OrderProcessor implements Processor<String, EngineInput, String, EngineOutput> {
    private static final Logger log = LoggerFactory.getLogger(OrderProcessor.class);
    /** The longest a task at rest with a deadline ahead waits between scans (the clock may jump, config may change). */
    static final Duration REST_SCAN = Duration.ofMinutes(1);

    private final OrderMachine machine;
    private final EngineSettings settings;
    private final EngineMetrics metrics = EngineMetrics.GLOBAL;
    private ProcessorContext<String, EngineOutput> context;
    private KeyValueStore<String, OrderRecord> orders;
    private KeyValueStore<String, String> deadlines;
    private PartitionState partition;
    private InputDelay inputDelay;
    private Cancellable scan;
    private Duration scanEvery;

    OrderProcessor(OrderMachine machine, EngineSettings settings) {
        this.machine = machine;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, EngineOutput> context) {
        this.context = context;
        this.orders = context.getStateStore(EngineTopology.ORDERS_STORE);
        this.deadlines = context.getStateStore(EngineTopology.DEADLINES_STORE);
        this.partition = new PartitionState(context.getStateStore(EngineTopology.PARTITION_STORE));
        this.inputDelay = new InputDelay(now(), settings.scanInterval().multipliedBy(2));
        scanEvery(settings.scanInterval());
    }

    @Override
    public void process(Record<String, EngineInput> record) {
        inputDelay.processed(record.timestamp(), now());
        if (!settings.scanInterval().equals(scanEvery)) {
            scanEvery(settings.scanInterval());  // a record may set a deadline or change a count
        }
        if (record.value() instanceof EngineInput.Command c && c.command() != null) {
            try (LogContext ignored = LogContext.of(record.key(), c.command())) {
                handle(record, c.command());
            }
        } else if (record.value() instanceof EngineInput.Outcome o && o.outcome() != null) {
            try (LogContext ignored = LogContext.of(record.key(), o.outcome())) {
                handle(record, o.outcome());
            }
        } else {
            // A tombstone: nothing to decide and no command id to answer; the dead-letter topic keeps it, with why.
            throw new IllegalArgumentException(DeadLetters.tombstone(
                    context.recordMetadata().map(RecordMetadata::topic).orElse("the engine's input")));
        }
    }

    private void handle(Record<String, EngineInput> record, OrderCommand command) {
        if (command.getOrderId() == null || !command.getOrderId().equals(record.key())) {
            // Keyed elsewhere, the order's changes would not be serialized on one partition.
            throw new IllegalArgumentException("command " + command.getCommandId() + " for order " + command.getOrderId()
                    + " was published under key " + record.key() + "; the key must be the order id");
        }
        Instant now = now();
        Order current = load(command.getOrderId());
        String principal = Principals.of(record.headers());
        Decision decision = refuseSystemClaim(current, command, principal).orElseGet(() -> machine.decide(current,
                Records.command(command), Records.actor(command.getActor()), now, backlog()));
        metrics.commandDecided(record.timestamp(), now.toEpochMilli());
        if (decision instanceof Decision.Rejected rejected) {
            metrics.transition(command.getTransition(), "refused", rejected.outcome().code());
        }
        if (log.isDebugEnabled()) {
            log.debug("command {} ({}) of order {}: {}", command.getCommandId(), command.getTransition(),
                    command.getOrderId(), decision.outcome().status());
        }

        Order next = decision.next().orElse(null);
        if (next != null && next != current && !(decision instanceof Decision.Duplicate)) { // a repeat: no write
            OrderSnapshot snapshot = save(current, next);
            List<StateChange> changes = decision instanceof Decision.Applied a ? List.of(a.change()) : List.of();
            emit(record.timestamp(), next, snapshot, new Reaction(next, changes, decision.requests(), List.of()),
                    command.getCorrelationId(), command.getCommandId(), now, principal);
        }
        context.forward(new Record<>(command.getOrderId(),
                new EngineOutput.Result(result(command, decision, now)), record.timestamp(), Principals.headers(principal)));
    }

    /**
     * The role {@code system} (which skips business hours) is the engine's own, and the engine writes no commands: a
     * command claiming it is refused unless its writer is the engine's principal. The principal is the header the
     * writer's client library sets, trusted because the broker lets only known principals write orders.commands.
     */
    private static Optional<Decision> refuseSystemClaim(Order current, OrderCommand command, String principal) {
        if (command.getActor() == null || command.getActor().getRole() != Role.SYSTEM
                || Principals.ENGINE.equals(principal)) {
            return Optional.empty();
        }
        CommandOutcome outcome = new CommandOutcome(command.getCommandId(), CommandStatus.REJECTED,
                RejectionCode.FORBIDDEN, "role system is reserved for the order engine; principal "
                + (principal == null ? "(none)" : principal) + " may not claim it for "
                + command.getTransition().name().toLowerCase(Locale.ROOT) + " of order " + command.getOrderId());
        return Optional.of(new Decision.Rejected(Optional.ofNullable(current), outcome)); // the order is left as it was
    }

    private void handle(Record<String, EngineInput> record, EffectOutcome outcome) {
        Instant now = now();
        if (outcome.getRequestId() != null) {
            // Any answer shows the worker is taking up this partition's requests: see OrderMachine.onDeadline.
            partition.heard(Topics.requestsFor(outcome.getEffect()).name(), now);
        }
        Order current = load(outcome.getOrderId());
        if (current == null) {
            log.warn("outcome {} for unknown order {}; ignored", outcome.getOutcomeId(), outcome.getOrderId());
            return;
        }
        Reaction reaction = machine.react(current, Records.outcome(outcome), now);
        if (reaction.order() == current && reaction.isEmpty()) {
            return; // a repeat, or news that changes nothing
        }
        OrderSnapshot snapshot = save(current, reaction.order());
        emit(record.timestamp(), reaction.order(), snapshot, reaction, correlation(current, outcome.getOutcomeId()),
                outcome.getOutcomeId(), now, Principals.of(record.headers()));
    }

    private void punctuate(long wallClockMs) {
        boolean more = actOnDeadlines(wallClockMs);
        for (KeyValue<String, Long> change : partition.takeCountChanges()) {
            context.forward(new Record<>(change.key, new EngineOutput.CountDelta(change.value), wallClockMs));
        }
        if (more) {
            scanEvery(settings.scanInterval());  // more are due than one scan takes: the next one soon
        } else {
            Instant now = Instant.ofEpochMilli(wallClockMs);
            scanEvery(nextDeadline().map(at -> restScan(now, at, settings.scanInterval())).orElse(null));
        }
    }

    /** How long a task at rest waits for its next deadline {@code at}: until then, within [scanInterval, REST_SCAN]. */
    static Duration restScan(Instant now, Instant at, Duration scanInterval) {
        Duration wait = Duration.between(now, at);
        return wait.compareTo(scanInterval) < 0 ? scanInterval : wait.compareTo(REST_SCAN) > 0 ? REST_SCAN : wait;
    }

    /** (Re)schedules the scan every {@code every}, or stops it if null. */
    private void scanEvery(Duration every) {
        if (Objects.equals(every, scanEvery)) {
            return;
        }
        if (scan != null) {
            scan.cancel();  // allowed from within the punctuation itself
        }
        scan = every == null ? null : context.schedule(every, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
        scanEvery = every;
    }

    private Optional<Instant> nextDeadline() {
        try (KeyValueIterator<String, String> it = deadlines.all()) {
            return it.hasNext() ? Optional.of(DeadlineKey.at(it.next().key)) : Optional.empty();
        }
    }

    /** Hands every order whose deadline has passed to the state machine; true if more are due than one scan takes. */
    private boolean actOnDeadlines(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = deadlines.range(DeadlineKey.FIRST, DeadlineKey.upTo(now))) {
            while (it.hasNext() && due.size() < settings.deadlinesPerScan()) {
                due.add(it.next());
            }
        }
        for (KeyValue<String, String> entry : due) {
            Order current = load(entry.value);
            if (current == null || !DeadlineKey.of(current, machine).map(entry.key::equals).orElse(false)) {
                deadlines.delete(entry.key); // the order moved on since this deadline was set
                continue;
            }
            Reaction reaction = machine.onDeadline(current, now,
                    effect -> inputDelay.workerLastHeard(partition.lastHeard(Topics.requestsFor(effect).name()), now));
            OrderSnapshot snapshot = save(current, reaction.order());
            emit(wallClockMs, reaction.order(), snapshot, reaction, correlation(current, current.id()), "deadline", now,
                    Principals.ENGINE);
        }
        return due.size() == settings.deadlinesPerScan();
    }

    private Order load(String orderId) {
        OrderRecord stored = orders.get(orderId);
        return stored == null ? null : Records.order(stored);
    }

    /**
     * Stores the order, moves its entry in the deadline index, and keeps the partition's in-flight count; returns the
     * snapshot it stored, which the events about this change carry too.
     */
    private OrderSnapshot save(Order before, Order after) {
        OrderRecord stored = Records.record(after);
        orders.put(after.id(), stored);
        Optional<String> oldKey = before == null ? Optional.empty() : DeadlineKey.of(before, machine);
        Optional<String> newKey = DeadlineKey.of(after, machine);
        if (!oldKey.equals(newKey)) {
            oldKey.ifPresent(deadlines::delete);
            newKey.ifPresent(k -> deadlines.put(k, after.id()));
        }
        int waiting = (waitsOnWorker(after) ? 1 : 0) - (waitsOnWorker(before) ? 1 : 0);
        if (waiting != 0) {
            partition.addInFlight(waiting);
        }
        return stored.getOrder();
    }

    /** Counted against the busy bound: a request a worker has not answered yet (a held one waits on the outside). */
    private static boolean waitsOnWorker(Order order) {
        return order != null && order.inFlight().filter(f -> f.heldReason() == null).isPresent();
    }

    private Backlog backlog() {
        return new Backlog(partition.inFlight(), settings.bound(), settings.busyRetryAfter());
    }

    /** Everything emitted names, in its principal header, the writer of the command or outcome it follows from. */
    private void emit(long timestamp, Order order, OrderSnapshot snapshot, Reaction reaction, String correlationId,
                      String causationId, Instant now, String principal) {
        for (StateChange change : reaction.changes()) {
            context.forward(new Record<>(order.id(), new EngineOutput.Event(event(order.id() + "-v" + change.version(),
                    order, change.version(), change.actor(),
                    new StateChanged(change.transition(), change.from(), change.to(), change.reason()),
                    snapshot, correlationId, causationId, now)), timestamp, Principals.headers(principal)));
            metrics.transition(change.transition(), "applied", null);
            if (change.from() != null) {
                partition.countChange(change.from(), -1);
            }
            partition.countChange(change.to(), +1);
        }
        for (EffectRequest r : reaction.requests()) {
            context.forward(new Record<>(order.id(), new EngineOutput.Request(event(r.requestId(), order,
                    order.version(), OrderMachine.ENGINE,
                    new EffectRequested(r.requestId(), r.transition(), r.effect(), r.compensation(),
                            r.targetRequestId(), r.deadline()),
                    snapshot, correlationId, causationId, now)), timestamp, Principals.headers(principal)));
        }
        for (OrderUpdate u : reaction.updates()) {
            metrics.transition(u.transition(), u.status().name().toLowerCase(Locale.ROOT), null);
            String id = (u.requestId() != null ? u.requestId() : order.id() + "-v" + order.version())
                    + "-" + u.status().name().toLowerCase(Locale.ROOT);
            context.forward(new Record<>(order.id(), new EngineOutput.Event(event(id, order, order.version(),
                    OrderMachine.ENGINE, new TransitionUpdate(u.transition(), u.status(), u.reason()), snapshot,
                    correlationId, causationId, now)), timestamp, Principals.headers(principal)));
        }
    }
    private static OrderEvent event(String eventId, Order order, long version, Actor actor, Object body,
                                    OrderSnapshot snapshot, String correlationId, String causationId, Instant now) {
        return OrderEvent.newBuilder()
                .setEventId(eventId)
                .setOrderId(order.id())
                .setVersion(version)
                .setOccurredAt(now)
                .setCorrelationId(correlationId)
                .setCausationId(causationId)
                .setActor(Records.actor(actor))
                .setBody(body)
                .setOrder(snapshot)
                .build();
    }

    /** Everything that follows from one command keeps its correlation id, through workers and back. */
    private static String correlation(Order order, String fallback) {
        return order.inFlight().map(f -> f.correlationId()).filter(c -> c != null)
                .or(() -> Optional.ofNullable(order.workflow().correlationId()))
                .orElse(fallback);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private CommandResult result(OrderCommand command, Decision decision, Instant now) {
        var outcome = decision.outcome();
        var order = decision.next();
        return CommandResult.newBuilder()
                .setCommandId(command.getCommandId())
                .setOrderId(command.getOrderId())
                .setTransition(command.getTransition())
                .setStatus(outcome.status())
                .setRejectionCode(outcome.code() == null ? null : outcome.code().name())
                .setMessage(outcome.message())
                .setState(order.map(Order::state).orElse(null))
                .setVersion(order.map(Order::version).orElse(null))
                .setCorrelationId(command.getCorrelationId())
                .setDecidedAt(now)
                .setRetryAfterMs(outcome.code() == RejectionCode.BUSY ? settings.busyRetryAfter().toMillis() : null)
                .build();
    }
}
