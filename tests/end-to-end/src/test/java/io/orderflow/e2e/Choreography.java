package io.orderflow.e2e;

import io.orderflow.common.app.ServiceHost;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.Rules;
import io.orderflow.domain.Timeouts;
import io.orderflow.engine.EngineSettings;
import io.orderflow.engine.EngineTopology;
import io.orderflow.host.OrderflowServices;
import io.orderflow.inventory.InventoryWorker;
import io.orderflow.payment.PaymentWorker;
import io.orderflow.sandbox.Sandbox;
import io.orderflow.sandbox.SandboxConfig;
import io.orderflow.sandbox.SandboxMain;
import io.orderflow.shipping.ShippingWorker;
import io.orderflow.shipping.tracking.WebhookSignature;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The whole system in one JVM for tests: sandbox gateway and carrier, the engine and the effect workers, each in a
 * fresh consumer group, and a tail of orders.events by order id. {@link #standalone} starts the engine and the three
 * effect workers each on its own, each worker in a fresh schema; {@link #hosted} starts every service through
 * service hosts, as {@code orderflow run} does, in a fresh database where each has its usual schema.
 */
final class Choreography implements AutoCloseable {
    static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(20), Duration.ofMinutes(5), Duration.ofSeconds(8), Duration.ofMinutes(10));

    private static final List<String> SERVICES = List.of("inventory", "payment", "shipping", "notification", "audit");

    /** The topics of infra/topics.txt (orders.events, inventory.requests, ...), not their dead-letter topics. */
    private static final Pattern ORDERFLOW_TOPIC = Pattern.compile("(orders|inventory|payment|shipping|finance)\\.[a-z-]+");

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Map<String, List<OrderEvent>> eventsByOrder = new ConcurrentHashMap<>();
    final Sandbox sandbox;
    /** A connection to the inventory worker's schema, for checking stock. */
    private final Callable<Connection> inventoryDb;
    private final KafkaProducer<byte[], byte[]> producer;
    private final HttpClient http = HttpClient.newHttpClient();
    private volatile boolean tailing = true;

    /** The engine and the three effect workers, each started on its own, each worker in a fresh schema. */
    static Choreography standalone(String inventorySeed) throws Exception {
        return new Choreography(inventorySeed, null);
    }

    /**
     * All services, started through {@link ServiceHost}s exactly as {@code orderflow run} starts them: one host per
     * entry of {@code hosts}, each naming its services (an empty list: all of them).
     */
    static Choreography hosted(String inventorySeed, List<List<String>> hosts) throws Exception {
        return new Choreography(inventorySeed, hosts);
    }

    private Choreography(String inventorySeed, List<List<String>> hosts) throws Exception {
        Config base = Config.fromEnvironment();
        String webhookSecret = "whsec_e2e_" + run;
        sandbox = SandboxMain.start(SandboxConfig.defaults().withPorts(0, 0).withProgression(300, 900)
                .withWebhookSecret(webhookSecret));
        closeables.add(sandbox);
        Config shared = base
                .with("ORDERFLOW_GATEWAY_URL", sandbox.gatewayUri().toString())
                .with("ORDERFLOW_CARRIER_URL", sandbox.carrierUri().toString())
                .with("ORDERFLOW_SHIPPING_WEBHOOK_PORT", "0")
                .with(WebhookSignature.SECRET_SETTING, webhookSecret)
                .with("ORDERFLOW_ADMIN_PORT", "0")
                .with("ORDERFLOW_INVENTORY_SEED", inventorySeed)
                .with("ORDERFLOW_OUTBOX_POLL_INTERVAL", "2s");
        for (String service : SERVICES) {
            // Named after the service, so its principal's ACLs (infra/config/kafka-acls.txt) cover them when secured.
            shared = shared.with("ORDERFLOW_" + service.toUpperCase() + "_GROUP", service + "-worker-e2e-" + run);
        }
        TestKafka testKafka = TestKafka.create(shared);
        closeables.add(testKafka);
        startGroupsAtEnd(testKafka, shared);
        startTail(new KafkaConfig(shared));
        inventoryDb = hosts == null ? startStandalone(shared) : startHosted(shared, hosts);
        producer = new KafkaProducer<>(new KafkaConfig(shared).producer("e2e-" + run));
        closeables.add(0, producer);
    }

    private Callable<Connection> startStandalone(Config shared) throws Exception {
        TestDatabase inventory = TestDatabase.create(shared);
        TestDatabase payment = TestDatabase.create(shared);
        TestDatabase shipping = TestDatabase.create(shared);
        closeables.add(inventory);
        closeables.add(payment);
        closeables.add(shipping);
        closeables.add(0, InventoryWorker.start(inventory.config(), Clock.systemUTC()));
        closeables.add(0, PaymentWorker.start(payment.config()));
        closeables.add(0, ShippingWorker.start(shipping.config()));

        Properties props = new KafkaConfig(shared.with("ORDERFLOW_STATE_DIR",
                Files.createTempDirectory("e2e-engine").toString())).streams(engineApplicationId());
        closeables.add(0, StreamsRunner.start(EngineTopology.build(
                new OrderMachine(Rules.choreographed(BusinessHours.ALWAYS, TIMEOUTS)),
                new EngineSettings(Duration.ofMillis(500), 1_000, Duration.ofSeconds(1), 5_000)),
                props, Duration.ofSeconds(60)));
        return inventory::connect;
    }

    private Callable<Connection> startHosted(Config shared, List<List<String>> hosts) throws Exception {
        String database = "e2e_" + run.replace('-', '_');
        String url = shared.dbUrl().substring(0, shared.dbUrl().lastIndexOf('/') + 1) + database;
        try (Connection c = DriverManager.getConnection(shared.dbUrl(), shared.dbUser(), shared.dbPassword())) {
            c.createStatement().execute("create database " + database);
        }
        closeables.add(() -> {
            try (Connection c = DriverManager.getConnection(shared.dbUrl(), shared.dbUser(), shared.dbPassword())) {
                c.createStatement().execute("drop database if exists " + database + " with (force)");
            }
        });
        Config config = shared.with("ORDERFLOW_DB_URL", url)
                .with("ORDERFLOW_ENGINE_APPLICATION_ID", engineApplicationId())
                .with("ORDERFLOW_TIMEOUT_IN_FLIGHT", TIMEOUTS.inFlight().toMillis() + "ms")
                .with("ORDERFLOW_TIMEOUT_HELD", TIMEOUTS.held().toMillis() + "ms")
                .with("ORDERFLOW_TIMEOUT_UNPAID", TIMEOUTS.unpaid().toMillis() + "ms")
                .with("ORDERFLOW_TIMEOUT_DELIVERY", TIMEOUTS.delivery().toMillis() + "ms")
                .with("ORDERFLOW_DEADLINE_SCAN_INTERVAL", "500ms");
        for (List<String> names : hosts) {
            closeables.add(0, ServiceHost.start(OrderflowServices.select(names),
                    config.with("ORDERFLOW_STATE_DIR", Files.createTempDirectory("e2e-host").toString())));
        }
        return () -> {
            Connection c = DriverManager.getConnection(url, shared.dbUser(), shared.dbPassword());
            c.setSchema(InventoryWorker.NAME);
            return c;
        };
    }

    private String engineApplicationId() {
        return "orderflow-engine-e2e-" + run;
    }

    /**
     * Commits every group this run uses (the engine's application id is its group) at the end of Orderflow's topics,
     * so the services handle only what is published from now on, not what earlier tests left on them.
     */
    private void startGroupsAtEnd(TestKafka kafka, Config config) throws Exception {
        List<String> groups = new ArrayList<>(List.of(engineApplicationId()));
        SERVICES.forEach(s -> groups.add(config.get("ORDERFLOW_" + s.toUpperCase() + "_GROUP", "")));
        List<String> topics = kafka.admin().listTopics().names().get(30, TimeUnit.SECONDS).stream()
                .filter(t -> ORDERFLOW_TOPIC.matcher(t).matches()).toList();
        kafka.startGroupsAtEnd(groups, topics);
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

    private static List<String> query(Callable<Connection> db, String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = db.call(); ResultSet rs = c.createStatement().executeQuery(sql)) {
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
