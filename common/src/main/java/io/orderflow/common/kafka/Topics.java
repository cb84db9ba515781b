package io.orderflow.common.kafka;

import io.orderflow.schema.CommandResult;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;

/** Every Orderflow topic. All are keyed by order id (except state counts, keyed by state) and co-partitioned. */
public final class Topics {
    public static final Topic<String, OrderCommand> ORDER_COMMANDS =
            new Topic<>("orders.commands", Serdes.String(), AvroSerde.of(OrderCommand.class));
    /** The engine's state changes and transition updates, for notification, audit and analysts. */
    public static final Topic<String, OrderEvent> ORDER_EVENTS =
            new Topic<>("orders.events", Serdes.String(), AvroSerde.of(OrderEvent.class));
    /**
     * Effect requests, one topic per worker, written by the engine in the transaction of the state change they follow
     * from: an {@link OrderEvent} whose body is an {@code EffectRequested}.
     */
    public static final Topic<String, OrderEvent> INVENTORY_REQUESTS =
            new Topic<>("inventory.requests", Serdes.String(), AvroSerde.of(OrderEvent.class));
    public static final Topic<String, OrderEvent> PAYMENT_REQUESTS =
            new Topic<>("payment.requests", Serdes.String(), AvroSerde.of(OrderEvent.class));
    public static final Topic<String, OrderEvent> SHIPPING_REQUESTS =
            new Topic<>("shipping.requests", Serdes.String(), AvroSerde.of(OrderEvent.class));
    public static final Topic<String, CommandResult> COMMAND_RESULTS =
            new Topic<>("orders.command-results", Serdes.String(), AvroSerde.of(CommandResult.class));
    /** Key: state name; value: number of orders in it. Readable by any Kafka tool with a LongDeserializer. */
    public static final Topic<String, Long> STATE_COUNTS =
            new Topic<>("orders.state-counts", Serdes.String(), Serdes.Long());
    public static final Topic<String, EffectOutcome> INVENTORY_EVENTS =
            new Topic<>("inventory.events", Serdes.String(), AvroSerde.of(EffectOutcome.class));
    public static final Topic<String, EffectOutcome> PAYMENT_EVENTS =
            new Topic<>("payment.events", Serdes.String(), AvroSerde.of(EffectOutcome.class));
    public static final Topic<String, EffectOutcome> SHIPPING_EVENTS =
            new Topic<>("shipping.events", Serdes.String(), AvroSerde.of(EffectOutcome.class));

    /** The finance ledger, written by the audit worker: one entry per capture or refund that moved money. */
    public static final Topic<String, LedgerEntry> FINANCE_LEDGER =
            new Topic<>("finance.ledger", Serdes.String(), AvroSerde.of(LedgerEntry.class));

    /** The worker outcome topics the engine reads beside commands. */
    public static final List<Topic<String, EffectOutcome>> OUTCOMES =
            List.of(INVENTORY_EVENTS, PAYMENT_EVENTS, SHIPPING_EVENTS);

    public static final List<Topic<String, OrderEvent>> REQUESTS =
            List.of(INVENTORY_REQUESTS, PAYMENT_REQUESTS, SHIPPING_REQUESTS);

    private Topics() {}

    /** The request topic of the worker that performs {@code effect}: the one place effects map to workers' topics. */
    public static Topic<String, OrderEvent> requestsFor(Effect effect) {
        return switch (effect) {
            case RESERVE_STOCK, RELEASE_STOCK, DEDUCT_STOCK, RESTORE_STOCK -> INVENTORY_REQUESTS;
            case CAPTURE_PAYMENT, VOID_PAYMENT, REFUND_PAYMENT -> PAYMENT_REQUESTS;
            case CREATE_LABEL, VOID_LABEL, TRACK_SHIPMENT -> SHIPPING_REQUESTS;
        };
    }
}
