package io.orderflow.admin.testing;

import io.orderflow.admin.AdminWeb;
import io.orderflow.admin.ReadModel;
import io.orderflow.admin.auth.ApiTokens;
import io.orderflow.admin.auth.Users;
import io.orderflow.admin.projection.Projector;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.Actor;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.Rules;
import io.orderflow.domain.Timeouts;
import io.orderflow.admin.orders.CommandGateway;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.Transition;
import io.orderflow.common.kafka.Topic;
import java.nio.charset.StandardCharsets;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.OrderEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import io.orderflow.engine.EngineTopology;
import io.orderflow.schema.Role;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The admin as it runs, for tests: the real engine (direct mode, so every transition applies at once, or
 * choreographed with the test as the workers), the projector and the web app, on the real broker and a throw-away
 * schema; the web app on a free port. Closed after the class.
 */
public final class AdminSystem implements AutoCloseable, AfterAllCallback {
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";

    private final TestDatabase db;
    private final Config config;
    private StreamsRunner engine;
    private final Projector projector;
    private final AdminWeb web;
    private final Database database;

    private AdminSystem(TestDatabase db, Config config, StreamsRunner engine, Projector projector, AdminWeb web,
                        Database database) {
        this.db = db;
        this.config = config;
        this.engine = engine;
        this.projector = projector;
        this.web = web;
        this.database = database;
    }

    /** With the engine in direct mode: every transition applies at once. */
    public static AdminSystem start() {
        return start(Rules.direct(BusinessHours.ALWAYS));
    }

    /**
     * With the engine choreographed and no workers: a transition with an outside effect stays in flight until the
     * test answers its request as the worker would ({@link #publish}), or until the engine's in-flight timeout.
     */
    public static AdminSystem choreographed() {
        return start(Rules.choreographed(BusinessHours.ALWAYS, Timeouts.DEFAULTS));
    }

    private static AdminSystem start(Rules rules) {
        String run = UUID.randomUUID().toString().substring(0, 8);
        TestDatabase db = TestDatabase.create();
        try {
            Config config = db.config()
                    .with("ORDERFLOW_ADMIN_PORT", "0")
                    .with("ORDERFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD)
                    .with("ORDERFLOW_ADMIN_RESULT_WAIT", "15s")
                    .with(Projector.GROUP_SETTING, "admin-test-" + run)
                    .with("ORDERFLOW_STATE_DIR", Files.createTempDirectory("admin-engine").toString());
            Properties props = new KafkaConfig(config).streams("admin-engine-" + run);
            // Earlier runs left commands on the shared topics; this engine only needs the ones this test sends.
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
            StreamsRunner engine = StreamsRunner.start(EngineTopology.build(new OrderMachine(rules)),
                    props, Duration.ofSeconds(60));
            Projector projector = Projector.start(config, Clock.systemUTC());
            AdminWeb web = AdminWeb.start(config, Clock.systemUTC());
            return new AdminSystem(db, config, engine, projector, web, ReadModel.open(config));
        } catch (Exception e) {
            db.close();
            throw new IllegalStateException("could not start the admin system: " + e.getMessage(), e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + web.port() + path;
    }

    public Config config() {
        return config;
    }

    /** Stops the engine: commands are still sent, but nobody answers them. */
    public void stopEngine() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    /**
     * Places {@code count} orders {@code <prefix>-<n>} for {@code email} at once, straight onto the command topic as
     * the API would, and waits until the read model has them all.
     */
    public List<String> placeMany(String prefix, String email, int count) {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
        OrderDetails details = new OrderDetails("c-" + prefix, email,
                List.of(new OrderLine("SKU-1", 1, new Money(1250L, "EUR"))), "pm_card_ok",
                "Ann Smith, 1 Main St, 10115 Berlin, DE");
        try (CommandGateway gateway = new CommandGateway(config, database.jdbi(), Clock.systemUTC())) {
            var sends = ids.stream().map(id -> gateway.send(new CommandGateway.Request(null, id, Transition.PLACE,
                    new Actor("c-" + prefix, Role.CUSTOMER), null, null, details))).toList();
            gateway.flush();
            sends.forEach(CompletableFuture::join);
        }
        Awaitility.await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                .until(() -> database.jdbi().withHandle(h -> h.createQuery(
                        "select count(*) from orders where order_id like :p").bind("p", prefix + "-%")
                        .mapTo(Long.class).one()) == count);
        return ids;
    }

    /** Publishes one record as another service would (a worker's outcome, a ledger posting), keyed by order id. */
    public <V> void publish(Topic<String, V> topic, String orderId, V value) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(new KafkaConfig(config).producer("admin-test"))) {
            producer.send(new ProducerRecord<>(topic.name(), orderId.getBytes(StandardCharsets.UTF_8),
                    topic.valueSerde().serializer().serialize(topic.name(), value))).get();
        } catch (Exception e) {
            throw new IllegalStateException("could not publish to " + topic.name(), e);
        }
    }

    /** Every order record on these topics (orders.events, request topics) whose order id starts with the prefix. */
    public List<OrderEvent> records(List<Topic<String, OrderEvent>> topics, String orderIdPrefix) {
        var props = new KafkaConfig(config).consumer("unused", "admin-test-reader");
        props.remove("group.id");
        List<OrderEvent> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            topics.forEach(t -> consumer.partitionsFor(t.name())
                    .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition()))));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    OrderEvent e = Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (e.getOrderId().startsWith(orderIdPrefix)) {
                        found.add(e);
                    }
                });
            }
        }
        return found;
    }

    public Jdbi jdbi() {
        return database.jdbi();
    }

    public Users users() {
        return new Users(database.jdbi(), Clock.systemUTC());
    }

    /** A staff user with this role, and an API token acting as them. */
    public String userWithToken(String username, Role role) {
        users().create(username, ADMIN_PASSWORD, role);
        return new ApiTokens(database.jdbi(), users(), Clock.systemUTC()).issue("tests", username).token();
    }

    public ApiTokens tokens() {
        return new ApiTokens(database.jdbi(), users(), Clock.systemUTC());
    }

    @Override
    public void close() {
        web.close();
        projector.close();
        stopEngine();
        database.close();
        db.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
