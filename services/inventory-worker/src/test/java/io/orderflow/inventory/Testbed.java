package io.orderflow.inventory;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.common.worker.EffectWorker;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * One test class's inventory: its own schema and consumer group, workers started on them, requests sent to the real
 * orders.events and outcomes read from the real inventory.events.
 */
final class Testbed implements AutoCloseable {
    private final TestKafka kafka;
    private final TestDatabase schema;
    private final String group;
    private final Database database;
    private final OutcomeTail outcomes;
    private final List<EffectWorker> workers = new ArrayList<>();

    Testbed(TestKafka kafka, TestDatabase schema) {
        this.kafka = kafka;
        this.schema = schema;
        this.group = TestKafka.uniqueGroup("inventory-test");
        // orders.events is shared with every other test and earlier runs: this worker starts at its end.
        startGroupAtEnd(Topics.ORDER_EVENTS.name());
        this.database = schema.open(InventoryWorker.MIGRATIONS);
        this.outcomes = OutcomeTail.start(kafka.config());
    }

    /** The worker's settings: this schema and group, no seed (tests set the stock they need). */
    Config workerConfig() {
        return schema.config()
                .with("ORDERFLOW_INVENTORY_GROUP", group)
                .with(StockSeed.SETTING, StockSeed.NONE);
    }

    String group() {
        return group;
    }

    EffectWorker startWorker() {
        return startWorker(workerConfig());
    }

    synchronized EffectWorker startWorker(Config config) {
        EffectWorker worker = InventoryWorker.start(config, Clock.systemUTC());
        workers.add(worker);
        return worker;
    }

    Database database() {
        return database;
    }

    OutcomeTail outcomes() {
        return outcomes;
    }

    void send(OrderEvent event) {
        kafka.send(Topics.ORDER_EVENTS, event.getOrderId(), event);
    }

    /** Sends {@code event} and waits for the worker's answer to its request. */
    EffectOutcome request(OrderEvent event) {
        send(event);
        return outcomes.awaitAnswer(event.getOrderId(),
                ((EffectRequested) event.getBody()).getRequestId());
    }

    /** A SKU no other test uses, with {@code onHand} in stock. */
    String newSku(String prefix, int onHand) {
        String sku = prefix + "-" + UUID.randomUUID().toString().substring(0, 6);
        setOnHand(sku, onHand);
        return sku;
    }

    void setOnHand(String sku, int onHand) {
        database.jdbi().useTransaction(h -> new Inventory().setOnHand(h, sku, onHand));
    }

    StockLevel level(String sku) {
        return database.jdbi().onDemand(InventoryDao.class).level(sku).orElseThrow();
    }

    List<Reservation> reservations(String orderId, String status) {
        return database.jdbi().onDemand(InventoryDao.class).reservations(orderId, status);
    }

    List<Discrepancy> discrepancies() {
        return database.jdbi().withHandle(h -> new Inventory().discrepancies(h));
    }

    long count(String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    /** Commits {@code group}'s offsets at the topic's current end, so the worker ignores what is already there. */
    private void startGroupAtEnd(String topic) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            kafka.admin().describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            kafka.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
            kafka.admin().alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start group " + group + " at the end of " + topic, e);
        }
    }

    /** Stops the workers still running (in reverse), then the tail; the schema is dropped by its own extension. */
    @Override
    public synchronized void close() {
        for (int i = workers.size() - 1; i >= 0; i--) {
            workers.get(i).close();
        }
        workers.clear();
        outcomes.close();
    }
}
