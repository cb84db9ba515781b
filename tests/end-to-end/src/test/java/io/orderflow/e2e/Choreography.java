package io.orderflow.e2e;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.common.worker.EffectWorker;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.Rules;
import io.orderflow.domain.Timeouts;
import io.orderflow.engine.EngineSettings;
import io.orderflow.engine.EngineTopology;
import io.orderflow.inventory.InventoryWorker;
import io.orderflow.payment.PaymentWorker;
import io.orderflow.sandbox.Sandbox;
import io.orderflow.sandbox.SandboxConfig;
import io.orderflow.sandbox.SandboxMain;
import io.orderflow.shipping.ShippingWorker;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole system in one JVM for tests: sandbox gateway and carrier, the engine and the three effect workers, each
 * worker in its own fresh schema and consumer group, and a tail of orders.events by order id.
 */
final class Choreography implements AutoCloseable {
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(20), Duration.ofMinutes(5), Duration.ofSeconds(8), Duration.ofMinutes(10));

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, List<OrderEvent>> eventsByOrder = new ConcurrentHashMap<>();
    final Sandbox sandbox;
    final TestDatabase inventoryDb;
    final TestDatabase paymentDb;
    final TestDatabase shippingDb;
    private final KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean tailing = true;

    Choreography(String inventorySeed) throws Exception {
        Config base = Config.fromEnvironment();
        sandbox = SandboxMain.start(SandboxConfig.defaults().withPorts(0, 0).withProgression(300, 900));
        closeables.add(sandbox);
        Config shared = base
                .with("ORDERFLOW_GATEWAY_URL", sandbox.gatewayUri().toString())
                .with("ORDERFLOW_CARRIER_URL", sandbox.carrierUri().toString())
                .with("ORDERFLOW_SHIPPING_WEBHOOK_PORT", "0")
                .with("ORDERFLOW_INVENTORY_SEED", inventorySeed)
                .with("ORDERFLOW_INVENTORY_GROUP", "e2e-inventory-" + run)
                .with("ORDERFLOW_PAYMENT_GROUP", "e2e-payment-" + run)
                .with("ORDERFLOW_SHIPPING_GROUP", "e2e-shipping-" + run)
                .with("ORDERFLOW_OUTBOX_POLL_INTERVAL", "2s");
        inventoryDb = TestDatabase.create(shared);
        paymentDb = TestDatabase.create(shared);
        shippingDb = TestDatabase.create(shared);
        closeables.add(inventoryDb);
        closeables.add(paymentDb);
        closeables.add(shippingDb);

        KafkaConfig kafka = new KafkaConfig(shared);
        TestKafka testKafka = TestKafka.create(shared);
        closeables.add(testKafka);
        for (String worker : List.of("inventory", "payment", "shipping")) {
            testKafka.startGroupAtEnd(shared.get("ORDERFLOW_" + worker.toUpperCase() + "_GROUP", ""),
                    worker + ".requests");
        }
        startTail(kafka);
        EffectWorker inventory = InventoryWorker.start(inventoryDb.config(), Clock.systemUTC());
        closeables.add(0, inventory);
        closeables.add(0, PaymentWorker.start(paymentDb.config()));
        closeables.add(0, ShippingWorker.start(shippingDb.config()));

        Properties props = new KafkaConfig(shared.with("ORDERFLOW_STATE_DIR",
                Files.createTempDirectory("e2e-engine").toString())).streams("e2e-engine-" + run);
        // Earlier tests left commands and outcomes on the shared topics; this engine starts at their end.
        props.put(org.apache.kafka.streams.StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        closeables.add(0, StreamsRunner.start(EngineTopology.build(
                new OrderMachine(Rules.choreographed(BusinessHours.ALWAYS, TIMEOUTS)),
                new EngineSettings(Duration.ofMillis(500), 1_000, Duration.ofSeconds(1))),
                props, Duration.ofSeconds(60)));
        producer = new KafkaProducer<>(kafka.producer("e2e-" + run));
        closeables.add(0, producer);
    }

    String orderId(String name) {
        return "e2e-" + run + "-" + name;
    }

    void send(OrderCommand command) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(),
                command.getOrderId().getBytes(StandardCharsets.UTF_8),
                Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, command))).get();
    }

    List<OrderEvent> events(String orderId) {
        List<OrderEvent> events = eventsByOrder.getOrDefault(orderId, List.of());
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** The order as the engine last published it. */
    OrderEvent last(String orderId) {
        List<OrderEvent> events = events(orderId);
        return events.isEmpty() ? null : events.get(events.size() - 1);
    }

    /** The sandbox gateway's ledger summary for one order, e.g. {@code "captures": 1}. */
    String ledger(String orderId) throws Exception {
        return http.send(HttpRequest.newBuilder(sandbox.gatewayUri().resolve("/v1/ledger?orderId=" + orderId)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    String labels(String orderId) throws Exception {
        return http.send(HttpRequest.newBuilder(sandbox.carrierUri().resolve("/v1/labels?orderId=" + orderId)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Invariant 1: reserved equals the sum of active reservations, for every SKU (the view lists the ones that don't). */
    List<String> stockDiscrepancies() throws Exception {
        return query(inventoryDb, "select sku from stock_discrepancies");
    }

    long reserved(String sku) throws Exception {
        return Long.parseLong(query(inventoryDb, "select reserved from stock where sku = '" + sku + "'").get(0));
    }

    long onHand(String sku) throws Exception {
        return Long.parseLong(query(inventoryDb, "select on_hand from stock where sku = '" + sku + "'").get(0));
    }

    private static List<String> query(TestDatabase db, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.connect(); ResultSet rs = c.createStatement().executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }

    private void startTail(KafkaConfig kafka) throws InterruptedException {
        Properties props = kafka.consumer("unused", "e2e-tail-" + run);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.ORDER_EVENTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        Thread thread = new Thread(() -> {
            try (consumer) {
                while (tailing) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        OrderEvent e = Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        eventsByOrder.computeIfAbsent(e.getOrderId(), k -> Collections.synchronizedList(new ArrayList<>()))
                                .add(e);
                    }
                }
            }
        }, "e2e-tail");
        thread.start();
        closeables.add(() -> {
            tailing = false;
            thread.join(5_000);
        });
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("closing " + c + ": " + e);
            }
        }
    }
}
