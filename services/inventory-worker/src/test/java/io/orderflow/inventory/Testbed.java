package io.orderflow.inventory;

import static io.orderflow.common.testing.EffectRequests.requestIdOf;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.OutcomeTail;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.common.worker.EffectWorker;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One test class's inventory: its own schema and consumer group, workers started on them, requests sent to the real
 * inventory.requests and outcomes read from the real inventory.events.
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
        // inventory.requests is shared with every other test and earlier runs: this worker starts at its end.
        kafka.startGroupAtEnd(group, Topics.INVENTORY_REQUESTS.name());
        this.database = schema.open(InventoryWorker.MIGRATIONS);
        this.outcomes = OutcomeTail.start(kafka.config(), Topics.INVENTORY_EVENTS, Duration.ofSeconds(60));
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
        kafka.send(Topics.INVENTORY_REQUESTS, event.getOrderId(), event);
    }

    /** Sends {@code event} and waits for the worker's answer to its request. */
    EffectOutcome request(OrderEvent event) {
        send(event);
        return outcomes.awaitAnswer(event.getOrderId(), requestIdOf(event));
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
