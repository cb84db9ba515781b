package io.orderflow.engine;

import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.domain.Actor;
import io.orderflow.domain.Decision;
import io.orderflow.domain.EffectRequest;
import io.orderflow.domain.Order;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.OrderUpdate;
import io.orderflow.domain.Reaction;
import io.orderflow.domain.StateChange;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderRecord;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
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
 * stores the result and emits events, the command's result and state-count deltas, all in one exactly-once
 * transaction. Commands and outcomes for one order arrive on one partition, so changes to an order are serialized.
 * A wall-clock punctuator walks the deadline index and hands due orders to the state machine.
 */
final class OrderProcessor implements Processor<String, EngineInput, String, EngineOutput> {
    private static final Logger log = LoggerFactory.getLogger(OrderProcessor.class);
    /** Deadlines handled per punctuation, so a backlog never stalls the task for long. */
    private static final int DEADLINES_PER_SCAN = 5_000;

    private final OrderMachine machine;
    private final Duration deadlineScanInterval;
    private ProcessorContext<String, EngineOutput> context;
    private KeyValueStore<String, OrderRecord> orders;
    private KeyValueStore<String, String> deadlines;

    OrderProcessor(OrderMachine machine, Duration deadlineScanInterval) {
        this.machine = machine;
        this.deadlineScanInterval = deadlineScanInterval;
    }

    @Override
    public void init(ProcessorContext<String, EngineOutput> context) {
        this.context = context;
        this.orders = context.getStateStore(EngineTopology.ORDERS_STORE);
        this.deadlines = context.getStateStore(EngineTopology.DEADLINES_STORE);
        context.schedule(deadlineScanInterval, PunctuationType.WALL_CLOCK_TIME, this::actOnDeadlines);
    }

    @Override
    public void process(Record<String, EngineInput> record) {
        if (record.value() instanceof EngineInput.Command c && c.command() != null) {
            handle(record, c.command());
        } else if (record.value() instanceof EngineInput.Outcome o && o.outcome() != null) {
            handle(record, o.outcome());
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
        Decision decision = machine.decide(current, Records.command(command), Records.actor(command.getActor()), now);

        Order next = decision.next().orElse(null);
        if (next != null && !(decision instanceof Decision.Duplicate)) { // a repeat changes nothing: no write
            save(current, next);
            List<StateChange> changes = decision instanceof Decision.Applied a ? List.of(a.change()) : List.of();
            emit(record.timestamp(), next, new Reaction(next, changes, decision.requests(), List.of()),
                    command.getCorrelationId(), command.getCommandId(), now);
        }
        context.forward(new Record<>(command.getOrderId(),
                new EngineOutput.Result(result(command, decision, now)), record.timestamp()));
    }

    private void handle(Record<String, EngineInput> record, EffectOutcome outcome) {
        Order current = load(outcome.getOrderId());
        if (current == null) {
            log.warn("outcome {} for unknown order {}; ignored", outcome.getOutcomeId(), outcome.getOrderId());
            return;
        }
        Instant now = now();
        Reaction reaction = machine.react(current, Records.outcome(outcome), now);
        if (!reaction.order().equals(current)) {
            save(current, reaction.order());
        }
        emit(record.timestamp(), reaction.order(), reaction, correlation(current, outcome.getOutcomeId()),
                outcome.getOutcomeId(), now);
    }

    /** Hands every order whose deadline has passed to the state machine. */
    private void actOnDeadlines(long wallClockMs) {
        Instant now = Instant.ofEpochMilli(wallClockMs);
        List<KeyValue<String, String>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = deadlines.range(DeadlineKey.FIRST, DeadlineKey.upTo(now))) {
            while (it.hasNext() && due.size() < DEADLINES_PER_SCAN) {
                due.add(it.next());
            }
        }
        for (KeyValue<String, String> entry : due) {
            deadlines.delete(entry.key);
            Order current = load(entry.value);
            if (current == null || !DeadlineKey.of(current, machine).map(entry.key::equals).orElse(false)) {
                continue; // the order moved on since this deadline was set
            }
            Reaction reaction = machine.onDeadline(current, now);
            orders.put(current.id(), Records.record(reaction.order()));
            // Its old entry is gone already; index the new deadline, if any.
            DeadlineKey.of(reaction.order(), machine).ifPresent(k -> deadlines.put(k, current.id()));
            emit(wallClockMs, reaction.order(), reaction, correlation(current, current.id()), "deadline", now);
        }
    }

    private Order load(String orderId) {
        OrderRecord stored = orders.get(orderId);
        return stored == null ? null : Records.order(stored);
    }

    /** Stores the order and moves its entry in the deadline index. */
    private void save(Order before, Order after) {
        orders.put(after.id(), Records.record(after));
        Optional<String> oldKey = before == null ? Optional.empty() : DeadlineKey.of(before, machine);
        Optional<String> newKey = DeadlineKey.of(after, machine);
        if (!oldKey.equals(newKey)) {
            oldKey.ifPresent(deadlines::delete);
            newKey.ifPresent(k -> deadlines.put(k, after.id()));
        }
    }

    private void emit(long timestamp, Order order, Reaction reaction, String correlationId, String causationId,
                      Instant now) {
        OrderSnapshot snapshot = Records.snapshot(order);
        for (StateChange change : reaction.changes()) {
            forward(timestamp, event(order.id() + "-v" + change.version(), order, change.version(), change.actor(),
                    new StateChanged(change.transition(), change.from(), change.to(), change.reason()),
                    snapshot, correlationId, causationId, now));
            if (change.from() != null) {
                context.forward(new Record<>(change.from().name(), new EngineOutput.CountDelta(-1), timestamp));
            }
            context.forward(new Record<>(change.to().name(), new EngineOutput.CountDelta(+1), timestamp));
        }
        for (EffectRequest r : reaction.requests()) {
            forward(timestamp, event(r.requestId(), order, order.version(), OrderMachine.ENGINE,
                    new EffectRequested(r.requestId(), r.transition(), r.effect(), r.compensation(),
                            r.targetRequestId(), r.deadline()),
                    snapshot, correlationId, causationId, now));
        }
        for (OrderUpdate u : reaction.updates()) {
            String id = (u.requestId() != null ? u.requestId() : order.id() + "-v" + order.version())
                    + "-" + u.status().name().toLowerCase(Locale.ROOT);
            forward(timestamp, event(id, order, order.version(), OrderMachine.ENGINE,
                    new TransitionUpdate(u.transition(), u.status(), u.reason()), snapshot, correlationId,
                    causationId, now));
        }
    }

    private void forward(long timestamp, OrderEvent event) {
        context.forward(new Record<>(event.getOrderId(), new EngineOutput.Event(event), timestamp));
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
                .or(() -> java.util.Optional.ofNullable(order.workflow().correlationId()))
                .orElse(fallback);
    }

    private Instant now() {
        return Instant.ofEpochMilli(context.currentSystemTimeMs());
    }

    private static CommandResult result(OrderCommand command, Decision decision, Instant now) {
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
                .build();
    }
}
