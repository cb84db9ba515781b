package io.orderflow.common.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.common.consumer.IdempotentConsumer;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.AvroSerde;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class OutboxRelayTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private static final String AGGREGATE = "test";
    private static final Duration LONG_POLL = Duration.ofSeconds(30);

    private final Outbox outbox = new Outbox();
    private final List<OutboxRelay> relays = new ArrayList<>();
    private TestDatabase schema;
    private Database db;
    private Topic<String, EffectOutcome> topic;

    @BeforeEach
    void setUp() {
        schema = TestDatabase.create();
        db = schema.open();
        topic = new Topic<>(kafka.createTopic("outbox"), Serdes.String(), AvroSerde.of(EffectOutcome.class));
    }

    @AfterEach
    void tearDown() {
        relays.forEach(OutboxRelay::close);
        schema.close();
    }

    @Test
    void committedRowsArePublishedInOrderPerOrderWithKeyValueAndIdThenDeleted() {
        var registry = new SimpleMeterRegistry();
        Map<String, String> outboxIdByOutcome = new HashMap<>();
        // 5 orders, 20 outcomes each, written interleaved in 25 transactions of 4.
        for (int tx = 0; tx < 25; tx++) {
            List<OutboxMessage> batch = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                int n = tx * 4 + j;
                OutboxMessage message = message("order-" + (n % 5), n / 5);
                outboxIdByOutcome.put("order-" + (n % 5) + "/" + (n / 5), message.id().toString());
                batch.add(message);
            }
            write(batch);
        }

        start(settings().withRegistry(registry).withBatchSize(30));

        List<ConsumerRecord<String, EffectOutcome>> records =
                kafka.readUntil(topic, read -> read.size() >= 100, Duration.ofSeconds(30));
        assertThat(records).hasSize(100);
        for (ConsumerRecord<String, EffectOutcome> r : records) {
            assertThat(r.key()).isEqualTo(r.value().getOrderId());
            assertThat(TestKafka.header(r.headers(), OutboxRelay.ID_HEADER))
                    .isEqualTo(outboxIdByOutcome.get(r.value().getOutcomeId()));
            assertThat(TestKafka.header(r.headers(), OutboxRelay.TYPE_HEADER)).isEqualTo("EffectOutcome");
        }
        assertInOrderPerOrder(records, 5, 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows() == 0);
        assertThat(registry.get("orderflow.outbox.published").counter().count()).isEqualTo(100);
        assertThat(registry.get("orderflow.outbox.batch.size").summary().max()).isEqualTo(30);
    }

    @Test
    void rowsOfARolledBackTransactionAreNeverPublished() {
        start(settings());
        OutboxMessage doomed = message("order-1", 0);
        assertThatThrownBy(() -> db.jdbi().useTransaction(h -> {
            outbox.add(h, doomed);
            throw new IllegalStateException("business rule failed");
        })).hasMessage("business rule failed");
        OutboxMessage kept = message("order-1", 1);
        write(List.of(kept));

        List<ConsumerRecord<String, EffectOutcome>> records = kafka.readUntil(topic,
                read -> read.stream().anyMatch(r -> r.value().getOutcomeId().equals("order-1/1")),
                Duration.ofSeconds(30));
        assertThat(records).extracting(r -> r.value().getOutcomeId()).containsExactly("order-1/1");
        assertThat(kafka.readAll(topic.name())).hasSize(1);
    }

    @Test
    void addingOutsideATransactionIsRefused() {
        assertThatThrownBy(() -> db.jdbi().useHandle(h -> outbox.add(h, message("order-1", 0))))
                .isInstanceOf(IllegalStateException.class);
        assertThat(outboxRows()).isZero();
    }

    @Test
    void notifyWakesTheRelayWellBeforeItsPollInterval() {
        OutboxRelay relay = start(settings());
        await().atMost(Duration.ofSeconds(10)).until(relay::isActive);
        for (int i = 0; i < 3; i++) {
            sleep(Duration.ofMillis(500));  // let the relay go back to waiting
            long start = System.nanoTime();
            write(List.of(message("order-1", i)));
            // Rows are deleted only after Kafka acknowledged their batch.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).until(() -> outboxRows() == 0);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(took).isLessThan(Duration.ofSeconds(2));
        }
        assertThat(kafka.readUntil(topic, read -> read.size() >= 3, Duration.ofSeconds(10))).hasSize(3);
    }

    @Test
    void twoRelaysPublishEveryRowExactlyOnceInOrderAcrossAHandover() throws Exception {
        OutboxRelay first = start(settings());
        OutboxRelay second = start(settings());
        AtomicBoolean bothActive = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                if (first.isActive() && second.isActive()) {
                    bothActive.set(true);
                }
                Thread.onSpinWait();
            }
        });
        watcher.start();

        int orders = 40;
        int perOrder = 25;
        Random random = new Random(7);
        int[] next = new int[orders];
        int written = 0;
        OutboxRelay third = null;
        while (written < orders * perOrder) {
            List<OutboxMessage> batch = new ArrayList<>();
            for (int k = 1 + random.nextInt(5); k > 0 && written < orders * perOrder; k--) {
                int order;
                do {
                    order = random.nextInt(orders);
                } while (next[order] == perOrder);
                batch.add(message("order-" + order, next[order]++));
                written++;
            }
            write(batch);
            if (third == null && written >= orders * perOrder / 2) {
                // Hand over mid-stream: the active relay finishes its batch and stops; a new standby joins.
                OutboxRelay active = first.isActive() ? first : second;
                active.close();
                third = start(settings());
            }
            if (written % 50 == 0) {
                sleep(Duration.ofMillis(20));
            }
        }

        int total = orders * perOrder;
        List<ConsumerRecord<String, EffectOutcome>> records = kafka.readUntil(topic,
                read -> read.size() >= total, Duration.ofSeconds(60));
        sleep(Duration.ofSeconds(1));
        watcher.interrupt();
        watcher.join();
        assertThat(kafka.readAll(topic.name())).hasSize(total);  // nothing twice
        assertThat(records.stream().map(r -> r.value().getOutcomeId()).collect(Collectors.toSet())).hasSize(total);
        assertInOrderPerOrder(records, orders, perOrder);
        assertThat(bothActive).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows() == 0);
    }

    @Test
    void aRelayThatLosesItsDatabaseSessionIsReplacedWithoutLossOrReordering() throws Exception {
        start(settings());
        start(settings());
        int orders = 20;
        int perOrder = 30;
        int[] next = new int[orders];
        int kills = 0;
        for (int round = 0; round < perOrder; round++) {
            List<OutboxMessage> batch = new ArrayList<>();
            for (int order = 0; order < orders; order++) {
                batch.add(message("order-" + order, next[order]++));
            }
            write(batch);
            if (round % 10 == 5) {
                // A crash as the database sees it: the active relay's session ends, its advisory lock with it.
                kills += terminateActiveRelaySession();
            }
            sleep(Duration.ofMillis(30));
        }
        assertThat(kills).isPositive();

        int total = orders * perOrder;
        List<ConsumerRecord<String, EffectOutcome>> records = kafka.readUntil(topic,
                read -> read.stream().map(r -> r.value().getOutcomeId()).distinct().count() >= total,
                Duration.ofSeconds(60));
        // A batch sent just before the session died may be sent again (consumers dedupe by id); what matters is that
        // nothing is lost and, reading each id's first copy, every order's outcomes are in order.
        List<ConsumerRecord<String, EffectOutcome>> firstCopies = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ConsumerRecord<String, EffectOutcome> r : records) {
            if (seen.add(r.value().getOutcomeId())) {
                firstCopies.add(r);
            }
        }
        assertInOrderPerOrder(firstCopies, orders, perOrder);
        await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows() == 0);
    }

    @Test
    void aRelayKilledBetweenTheKafkaCommitAndTheDeleteLosesNothingAndTheConsumerAbsorbsTheRepeats() throws Exception {
        // The relay's session dies exactly there: its delete kills its own backend, after the batch is in Kafka.
        try (Connection c = schema.connect(); var s = c.createStatement()) {
            s.execute("""
                    create function die_before_delete() returns trigger language plpgsql as $$
                    begin perform pg_terminate_backend(pg_backend_pid()); return null; end $$""");
            s.execute("create trigger die_before_delete before delete on outbox for each statement "
                    + "execute function die_before_delete()");
        }
        for (int i = 0; i < 10; i++) {
            write(List.of(message("order-" + (i % 2), i / 2)));
        }
        start(settings());
        // Published (committed in Kafka) at least twice over, and the rows are all still there.
        kafka.readUntil(topic, read -> read.size() >= 20, Duration.ofSeconds(60));
        assertThat(outboxRows()).isEqualTo(10);
        try (Connection c = schema.connect(); var s = c.createStatement()) {
            s.execute("drop trigger die_before_delete on outbox");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() == 0);

        List<ConsumerRecord<String, EffectOutcome>> published =
                kafka.readUntil(topic, read -> read.size() >= 20, Duration.ofSeconds(30));
        assertThat(published.stream().map(r -> r.value().getOutcomeId()).distinct()).hasSize(10);
        // Downstream, an idempotent consumer (its own schema, as a service has) handles each outcome once.
        try (TestDatabase downstream = TestDatabase.create()) {
            Database consumerDb = downstream.open("classpath:db/testing/handled");
            try (IdempotentConsumer<EffectOutcome> consumer = IdempotentConsumer
                    .builder(topic, EffectOutcome::getOutcomeId)
                    .groupId(TestKafka.uniqueGroup("downstream"))
                    .registry(new SimpleMeterRegistry())
                    .handler((handle, outcome, record) -> handle.execute(
                            "insert into handled (message_id, order_id) values (?, ?)", outcome.getOutcomeId(),
                            outcome.getOrderId()))
                    .start(kafka.config(), consumerDb.jdbi())) {
                await().atMost(Duration.ofSeconds(30)).until(() -> count(consumerDb, "select count(*) from handled") >= 10);
                sleep(Duration.ofSeconds(1));
                assertThat(count(consumerDb, "select count(*) from handled")).isEqualTo(10);
                assertThat(count(consumerDb, "select count(distinct message_id) from handled")).isEqualTo(10);
            }
        }
    }

    @Test
    void whileKafkaCannotTakeTheRowsTheyStayAndArePublishedOnceItCan() {
        // The topic does not exist yet (and brokers here do not auto-create): every send fails until it does.
        String late = TestKafka.uniqueName("outbox-late");
        for (int i = 0; i < 10; i++) {
            write(List.of(message("order-" + (i % 2), i / 2)));
        }
        start(settings()
                .withTopicForAggregateType(type -> late)
                .withProducerOverride(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500));

        sleep(Duration.ofSeconds(3));
        assertThat(outboxRows()).isEqualTo(10);

        kafka.createTopicNamed(late);
        await().atMost(Duration.ofSeconds(30)).until(() -> outboxRows() == 0);
        Topic<String, EffectOutcome> lateTopic = new Topic<>(late, topic.keySerde(), topic.valueSerde());
        List<ConsumerRecord<String, EffectOutcome>> records =
                kafka.readUntil(lateTopic, read -> read.size() >= 10, Duration.ofSeconds(30));
        assertInOrderPerOrder(records, 2, 5);
        assertThat(kafka.readAll(late)).hasSize(10);  // a failed send stops its batch: nothing got through early
    }

    private OutboxRelay.Settings settings() {
        return OutboxRelay.Settings.from(kafka.config())
                .withTopicForAggregateType(type -> AGGREGATE.equals(type) ? topic.name() : "unknown-" + type)
                .withPollInterval(LONG_POLL)
                .withTakeoverInterval(Duration.ofMillis(200))
                .withRegistry(new SimpleMeterRegistry());
    }

    private OutboxRelay start(OutboxRelay.Settings settings) {
        OutboxRelay relay = OutboxRelay.start(db, schema.config(), settings);
        relays.add(relay);
        return relay;
    }

    private void write(List<OutboxMessage> messages) {
        db.jdbi().useTransaction(h -> messages.forEach(m -> outbox.add(h, m)));
    }

    private static long count(Database database, String sql) {
        return database.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private long outboxRows() {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from outbox").mapTo(Long.class).one());
    }

    private int terminateActiveRelaySession() throws Exception {
        try (Connection c = schema.connect();
             PreparedStatement s = c.prepareStatement("""
                     select pg_terminate_backend(l.pid) from pg_locks l join pg_stat_activity a on a.pid = l.pid
                     where l.locktype = 'advisory' and l.granted and a.application_name = ?""")) {
            s.setString(1, "orderflow-outbox-relay:" + schema.schema());
            int killed = 0;
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    killed++;
                }
            }
            return killed;
        }
    }

    /** Outcome ids are {@code order-N/i}; each order's i must arrive as 0, 1, 2, ... */
    private static void assertInOrderPerOrder(List<ConsumerRecord<String, EffectOutcome>> records, int orders,
                                              int perOrder) {
        Map<String, List<Integer>> byOrder = new LinkedHashMap<>();
        for (ConsumerRecord<String, EffectOutcome> r : records) {
            String[] parts = r.value().getOutcomeId().split("/");
            byOrder.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        assertThat(byOrder).hasSize(orders);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < perOrder; i++) {
            expected.add(i);
        }
        byOrder.forEach((order, sequence) -> assertThat(sequence).as(order).isEqualTo(expected));
    }

    private static OutboxMessage message(String orderId, int i) {
        EffectOutcome outcome = EffectOutcome.newBuilder()
                .setOutcomeId(orderId + "/" + i)
                .setOrderId(orderId)
                .setEffect(Effect.RESERVE_STOCK)
                .setStatus(OutcomeStatus.SUCCEEDED)
                .setOccurredAt(Instant.now())
                .build();
        return OutboxMessage.avro(AGGREGATE, orderId, outcome);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
