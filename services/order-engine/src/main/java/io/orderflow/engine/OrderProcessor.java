package io.orderflow.engine;

import io.orderflow.domain.Decision;
import io.orderflow.domain.Order;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.StateChange;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderRecord;
import io.orderflow.schema.StateChanged;
import java.time.Clock;
import java.time.Instant;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one writer of order state. For each command it loads the order from the store, asks the pure state machine,
 * stores the result and emits the event, the command result and the state-count deltas, all in one exactly-once
 * transaction. Commands for one order arrive on one partition, so changes to an order are serialized.
 */
final class OrderProcessor implements Processor<String, OrderCommand, String, EngineOutput> {
    private final OrderMachine machine;
    private final Clock clock;
    private ProcessorContext<String, EngineOutput> context;
    private KeyValueStore<String, OrderRecord> orders;

    OrderProcessor(OrderMachine machine, Clock clock) {
        this.machine = machine;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, EngineOutput> context) {
        this.context = context;
        this.orders = context.getStateStore(EngineTopology.ORDERS_STORE);
    }

    @Override
    public void process(Record<String, OrderCommand> record) {
        OrderCommand command = record.value();
        if (command == null) {
            throw new IllegalArgumentException("empty command (null value) under key " + record.key());
        }
        if (!command.getOrderId().equals(record.key())) {
            // Keyed elsewhere, the order's changes would not be serialized on one partition.
            throw new IllegalArgumentException("command " + command.getCommandId() + " for order " + command.getOrderId()
                    + " was published under key " + record.key() + "; the key must be the order id");
        }
        Instant now = clock.instant();
        OrderRecord stored = orders.get(command.getOrderId());
        Order current = stored == null ? null : Records.order(stored);

        Decision decision = machine.decide(current, Records.command(command), Records.actor(command.getActor()), now);

        decision.next().ifPresent(next -> orders.put(next.id(), Records.record(next)));
        if (decision instanceof Decision.Applied applied) {
            emitChange(record, command, applied, now);
        }
        context.forward(record.withValue((EngineOutput) new EngineOutput.Result(result(command, decision, now))));
    }

    private void emitChange(Record<String, OrderCommand> record, OrderCommand command, Decision.Applied applied,
                            Instant now) {
        StateChange change = applied.change();
        Order order = applied.order();
        OrderEvent event = OrderEvent.newBuilder()
                .setEventId(order.id() + "-v" + order.version())
                .setOrderId(order.id())
                .setVersion(order.version())
                .setOccurredAt(now)
                .setCorrelationId(command.getCorrelationId())
                .setCausationId(command.getCommandId())
                .setActor(command.getActor())
                .setBody(new StateChanged(change.transition(), change.from(), change.to(), change.reason()))
                .setOrder(Records.snapshot(order))
                .build();
        context.forward(record.withValue(new EngineOutput.Event(event)));
        if (change.from() != null) {
            context.forward(new Record<>(change.from().name(), new EngineOutput.CountDelta(-1), record.timestamp()));
        }
        context.forward(new Record<>(change.to().name(), new EngineOutput.CountDelta(+1), record.timestamp()));
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
