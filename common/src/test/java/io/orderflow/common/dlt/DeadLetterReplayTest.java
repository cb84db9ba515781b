package io.orderflow.common.dlt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.common.consumer.IdempotentConsumer;
import io.orderflow.common.consumer.Parking;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.AvroSerde;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9's dead-letter test against the real broker and database: poison records of each kind land in the
 * dead-letter topic with their reason, the consumer goes on with other orders, later records of a poisoned order are
 * parked, a replay after the fix processes the poison once and releases the parked records in order, and replaying
 * again sends nothing.
 */
class DeadLetterReplayTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private TestDatabase schema;
    private Database db;
    private Topic<String, EffectOutcome> topic;
    private String dlt;
    private String replayLog;
    private String group;
    private IdempotentConsumer<EffectOutcome> consumer;
    private DeadLetterTopics topics;
    private Replayer replayer;

    @BeforeEach
    void setUp() {
        schema = TestDatabase.create();
        db = schema.open("classpath:db/testing/handled");
        topic = kafka.createTopic(new Topic<>("replay", Serdes.String(), AvroSerde.of(EffectOutcome.class)));
        dlt = topic.deadLetterTopic();
        replayLog = kafka.createTopic("dlt-replays");
        group = TestKafka.uniqueGroup("replay-worker");
        consumer = IdempotentConsumer.builder(topic, EffectOutcome::getOutcomeId)
                .groupId(group)
                .handler((handle, value, record) -> {
                    if (refused.contains(value.getOutcomeId())) {
                        throw new IllegalArgumentException("no such warehouse for " + value.getOutcomeId());
                    }
                    handle.createUpdate("insert into handled (message_id, order_id) values (:id, :order)")
                            .bind("id", value.getOutcomeId()).bind("order", value.getOrderId()).execute();
                })
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .registry(new SimpleMeterRegistry())
                .start(kafka.config(), db.jdbi());
        topics = new DeadLetterTopics(kafka.config(), Duration.ofSeconds(30));
        replayer = new Replayer(kafka.config().with("ORDERFLOW_DLT_REPLAY_TRANSACTIONAL_ID", group + "-replayer"),
                replayLog, Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        consumer.close();
        topics.close();
        replayer.close();
        schema.close();
    }

    @Test
    void poisonRecordsAreDeadLetteredTheirOrdersParkedAndAReplayAfterTheFixReleasesThemInOrderOnce() throws Exception {
        refused.add("c-1");
        send("a", "a-0");
        kafka.send(topic.name(), key("a"), "not avro".getBytes(StandardCharsets.UTF_8));   // undecodable bytes
        send("a", "a-2");
        kafka.send(topic.name(), key("b"), unknownFingerprint());                          // unknown schema
        send("b", "b-1");
        send("c", "c-1");                                                                  // the handler refuses it
        send("c", "c-2");
        send("c", "c-3");
        send("d", "d-1");                                                                  // other orders go on
        send("d", "d-end");

        await().atMost(WAIT).until(() -> handledCount("d-end") == 1);
        List<DeadLetter> dead = awaitDeadLetters(3);
        assertThat(reason(dead, "a")).contains("not a readable EffectOutcome");
        assertThat(reason(dead, "b")).contains("fingerprint");
        assertThat(reason(dead, "c")).contains("no such warehouse for c-1");
        assertThat(dead).allSatisfy(letter -> {
            assertThat(letter.sourceTopic()).isEqualTo(topic.name());
            assertThat(letter.failedBy()).isEqualTo(group);
            assertThat(letter.attempts()).isEqualTo(1);
            assertThat(letter.origin()).isEqualTo(letter.sourceTopic() + "/" + letter.sourcePartition() + "/"
                    + letter.sourceOffset());
        });
        assertThat(ValueDecoder.show(letter(dead, "c").value()).json()).contains("\"outcomeId\": \"c-1\"");
        assertThat(ValueDecoder.show(letter(dead, "a").value()).decoded()).isFalse();
        assertThat(ValueDecoder.show(letter(dead, "b").value()).problem()).contains("unknown schema fingerprint");

        // The later records of the poisoned orders wait; the good ones before the poison went through.
        assertThat(handledCount("a-0")).isEqualTo(1);
        await().atMost(WAIT).until(() -> parkedByOrder().equals(Map.of("a", 1L, "b", 1L, "c", 2L)));
        assertThat(handledCount("a-2") + handledCount("b-1") + handledCount("c-2") + handledCount("c-3")).isZero();

        // The cause is fixed; replaying order c's dead letter processes it once and releases c-2, c-3 after it.
        refused.clear();
        List<Replayer.Result> dry = replayer.replay(select(new Selection(null, null, null, "c", null, null)), true, "test");
        assertThat(dry).extracting(Replayer.Result::status).containsExactly(Replayer.Status.WOULD_REPLAY);
        assertThat(handledCount("c-1")).isZero();
        List<Replayer.Result> replayed = replayer.replay(select(new Selection(null, null, null, "c", null, null)),
                false, "test");
        assertThat(replayed).extracting(Replayer.Result::status).containsExactly(Replayer.Status.REPLAYED);
        await().atMost(WAIT).until(() -> handledCount("c-3") == 1);
        assertThat(handledInOrder("c")).containsExactly("c-1", "c-2", "c-3");
        assertThat(parkedByOrder()).containsOnlyKeys("a", "b");

        // Replaying again sends nothing: the replay log names the dead letter.
        int sourceRecords = kafka.readAll(topic.name()).size();
        List<Replayer.Result> again = replayer.replay(select(new Selection(null, null, null, "c", null, null)), false, "test");
        assertThat(again).extracting(Replayer.Result::status).containsExactly(Replayer.Status.ALREADY_REPLAYED);
        assertThat(kafka.readAll(topic.name())).hasSize(sourceRecords);

        // A replay whose cause is not fixed fails again: back in the dead-letter topic, one more attempt, same
        // origin, and order a stays parked behind it.
        DeadLetter first = letter(dead, "a");
        replayer.replay(List.of(first), false, "test");
        List<DeadLetter> now = awaitDeadLetters(4);
        DeadLetter returned = now.stream().filter(l -> "a".equals(l.orderId()) && l.attempts() == 2).findFirst()
                .orElseThrow();
        assertThat(returned.origin()).isEqualTo(first.origin());
        assertThat(returned.firstFailed()).isEqualTo(first.firstFailed());
        assertThat(returned.error()).contains("not a readable EffectOutcome");
        send("d", "d-after");
        await().atMost(WAIT).until(() -> handledCount("d-after") == 1);
        assertThat(handledCount("a-2")).isZero();
        assertThat(parkedByOrder()).containsEntry("a", 1L);

        // Everything once: no outcome handled twice, c-1 exactly once.
        assertThat(count("select count(*) from handled")).isEqualTo(count("select count(distinct message_id) from handled"));
        assertThat(handledCount("c-1")).isEqualTo(1);
    }

    private List<DeadLetter> select(Selection selection) {
        return topics.read(dlt).stream().filter(selection).toList();
    }

    private List<DeadLetter> awaitDeadLetters(int n) {
        await().atMost(WAIT).until(() -> topics.read(dlt).size() >= n);
        List<DeadLetter> letters = topics.read(dlt);
        assertThat(letters).hasSize(n);
        return letters;
    }

    private static DeadLetter letter(List<DeadLetter> letters, String order) {
        return letters.stream().filter(l -> order.equals(l.orderId())).findFirst().orElseThrow();
    }

    private static String reason(List<DeadLetter> letters, String order) {
        return letter(letters, order).error();
    }

    private Map<String, Long> parkedByOrder() throws Exception {
        try (Connection c = schema.connect()) {
            return Parking.all(c).stream().filter(p -> p.schema().equals(schema.schema()))
                    .collect(Collectors.toMap(Parking.ParkedOrder::orderKey, Parking.ParkedOrder::parkedRecords));
        }
    }

    private List<String> handledInOrder(String order) {
        return db.jdbi().withHandle(h -> h.createQuery("select message_id from handled where order_id = :o order by seq")
                .bind("o", order).mapTo(String.class).list());
    }

    private long handledCount(String messageId) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from handled where message_id = :id")
                .bind("id", messageId).mapTo(Long.class).one());
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private void send(String order, String id) {
        kafka.send(topic, order, EffectOutcome.newBuilder().setOutcomeId(id).setOrderId(order)
                .setEffect(Effect.RESERVE_STOCK).setStatus(OutcomeStatus.SUCCEEDED).setOccurredAt(Instant.now()).build());
    }

    private static byte[] key(String order) {
        return order.getBytes(StandardCharsets.UTF_8);
    }

    /** Avro single-object marker, a fingerprint no released schema has, and a body. */
    private static byte[] unknownFingerprint() {
        return ByteBuffer.allocate(14).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0xC3).put((byte) 0x01)
                .putLong(0x0123456789ABCDEFL).putInt(42).array();
    }
}
