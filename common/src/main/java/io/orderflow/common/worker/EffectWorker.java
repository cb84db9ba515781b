package io.orderflow.common.worker;

import io.orderflow.common.app.Readiness;
import io.orderflow.common.config.Config;
import io.orderflow.common.consumer.IdempotentConsumer;
import io.orderflow.common.db.Database;
import io.orderflow.common.db.Retention;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.logging.LogContext;
import io.orderflow.common.outbox.Outbox;
import io.orderflow.common.outbox.OutboxMessage;
import io.orderflow.common.outbox.OutboxRelay;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Handle;

/**
 * The frame every effect worker runs in: its own schema (migrated by Flyway), an outbox relay publishing to
 * {@code <name>.events}, and an idempotent consumer of its own request topic ({@code <name>.requests}, see
 * {@link Topics#requestsFor}) that hands the worker each request. A worker only writes what it does with one request;
 * the outcome it returns is written to the outbox in the same transaction as its business rows.
 */
public final class EffectWorker implements AutoCloseable, Readiness {

    /** Performs one request in the consumer's transaction; returns the outcome to publish now, or empty for later. */
    @FunctionalInterface
    public interface Handler {
        Optional<EffectOutcome> handle(Handle handle, OrderEvent event, EffectRequested request) throws Exception;

        /**
         * Performs the new requests of one polled batch, in arrival order, in the consumer's transaction, and returns
         * the outcomes to publish now. By default one {@link #handle} per request; a worker overrides it to share
         * work across the batch (DAOs attached once, rows locked in one order). If it throws, the batch is redone
         * with one request per call, so the request at fault is dead-lettered alone.
         */
        default List<EffectOutcome> handleAll(Handle handle, List<OrderEvent> events) throws Exception {
            List<EffectOutcome> outcomes = new ArrayList<>(events.size());
            for (OrderEvent event : events) {
                try (LogContext ignored = LogContext.of(event.getOrderId(), event)) {
                    handle(handle, event, (EffectRequested) event.getBody()).ifPresent(outcomes::add);
                }
            }
            return outcomes;
        }
    }

    private final String name;
    private final Database database;
    private final Outbox outbox;
    private final OutboxRelay relay;
    private final IdempotentConsumer<OrderEvent> consumer;

    private EffectWorker(String name, Database database, Outbox outbox, OutboxRelay relay,
                         IdempotentConsumer<OrderEvent> consumer) {
        this.name = name;
        this.database = database;
        this.outbox = outbox;
        this.relay = relay;
        this.consumer = consumer;
    }

    /**
     * @param name       the worker's name: its schema, its outbox aggregate type ({@code <name>.events}), and its
     *                   consumer group ({@code <name>-worker})
     * @param effects    the effects it serves, all on one request topic; a record for another effect is dead-lettered
     * @param migrations its own Flyway locations besides the common outbox tables, e.g. {@code classpath:db/inventory}
     */
    public static EffectWorker start(Config config, String name, Set<Effect> effects, Handler handler,
                                     String... migrations) {
        return start(config, name, effects, handler, List.of(), migrations);
    }

    /**
     * @param prunable the worker's own tables that remember requests (e.g. answered requests), pruned with its
     *                 processed messages once a request can no longer be redelivered ({@link Retention})
     */
    public static EffectWorker start(Config config, String name, Set<Effect> effects, Handler handler,
                                     List<Retention.Rule> prunable, String... migrations) {
        Database database = Database.open(config, Database.schemaName(config, name), migrations);
        OutboxRelay relay = OutboxRelay.start(database, config);
        Outbox outbox = new Outbox();
        IdempotentConsumer.Builder<OrderEvent> builder = IdempotentConsumer
                .builder(requestTopic(effects), OrderEvent::getEventId)
                .groupId(config.get("ORDERFLOW_" + name.toUpperCase() + "_GROUP", name + "-worker"))
                .batchHandler((handle, records) -> outbox.addAll(handle, handler
                        .handleAll(handle, records.stream().map(ConsumerRecord::value)
                                .map(event -> requireRequest(event, effects)).toList()).stream()
                        .map(outcome -> OutboxMessage.avro(name, outcome.getOrderId(), outcome))
                        .toList()));
        prunable.forEach(builder::prune);
        IdempotentConsumer<OrderEvent> consumer = builder.start(config, database.jdbi());
        return new EffectWorker(name, database, outbox, relay, consumer);
    }

    /** The one topic the engine writes this worker's requests to. */
    static Topic<String, OrderEvent> requestTopic(Set<Effect> effects) {
        Set<Topic<String, OrderEvent>> topics = effects.stream().map(Topics::requestsFor).collect(Collectors.toSet());
        if (topics.size() != 1) {
            throw new IllegalArgumentException("effects " + effects + " are requested on " + topics.size()
                    + " topics; a worker reads exactly one");
        }
        return topics.iterator().next();
    }

    /** Only the engine writes a request topic; anything else on it is a bug to look at, so the consumer dead-letters it. */
    private static OrderEvent requireRequest(OrderEvent event, Set<Effect> effects) {
        if (!(event.getBody() instanceof EffectRequested request) || !effects.contains(request.getEffect())) {
            throw new IllegalArgumentException("event " + event.getEventId() + " is not a request for "
                    + effects + ": " + event.getBody());
        }
        return event;
    }

    public Database database() {
        return database;
    }

    /** Publishes an outcome decided outside a request, e.g. one that was held and is now resolved, or tracking news. */
    public void publish(Handle handle, EffectOutcome outcome) {
        outbox.add(handle, OutboxMessage.avro(name, outcome.getOrderId(), outcome));
    }

    public boolean isRunning() {
        return consumer.isRunning() && relay.isRunning();
    }

    @Override
    public Optional<String> unready() {
        return Readiness.running(isRunning());
    }

    @Override
    public void close() {
        consumer.close();
        relay.close();
        database.close();
    }
}
