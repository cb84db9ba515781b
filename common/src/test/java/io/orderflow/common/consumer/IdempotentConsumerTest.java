package io.orderflow.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.AvroSerde;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serdes;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class IdempotentConsumerTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private final List<IdempotentConsumer<?>> consumers = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestDatabase schema;
    private Database db;
    private Topic<String, EffectOutcome> topic;
    private String group;

    @BeforeEach
    void setUp() {
        schema = TestDatabase.create();
        db = schema.open("classpath:db/testing/handled");
        topic = kafka.createTopic(new Topic<>("consumer", Serdes.String(), AvroSerde.of(EffectOutcome.class)));
        group = TestKafka.uniqueGroup("test-worker");
    }

    @AfterEach
    void tearDown() {
        consumers.forEach(IdempotentConsumer::close);
        schema.close();
    }

    @Test
    void aRedeliveredMessageIsHandledOnce() {
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        kafka.send(topic, "order-1", outcome("m-2", "order-1"));
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        kafka.send(topic, "order-1", outcome("m-end", "order-1"));

        start(kafka.config(), IdempotentConsumerTest::record);

        awaitHandled("m-end");
        assertThat(handledCount("m-1")).isEqualTo(1);
        assertThat(handledCount("m-2")).isEqualTo(1);
        assertThat(count("select count(*) from processed_messages")).isEqualTo(3);
        assertThat(registry.get("orderflow.consumer.records").tag("outcome", "duplicate").counter().count())
                .isEqualTo(2);
    }

    @Test
    void irrelevantRecordsAreSkippedWithoutAProcessedMark() {
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        kafka.send(topic, "order-1", outcome("skip-2", "order-1"));
        kafka.send(topic, "order-1", outcome("m-3", "order-1"));
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        kafka.send(topic, "order-1", outcome("m-end", "order-1"));

        IdempotentConsumer<EffectOutcome> consumer = IdempotentConsumer.builder(topic, EffectOutcome::getOutcomeId)
                .groupId(group)
                .handler(IdempotentConsumerTest::record)
                .relevant(value -> !value.getOutcomeId().startsWith("skip-"))
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .registry(registry)
                .start(kafka.config(), db.jdbi());
        consumers.add(consumer);

        awaitHandled("m-end");
        assertThat(handledCount("skip-2")).isZero();
        assertThat(handledCount("m-1")).isEqualTo(1);
        assertThat(handledCount("m-3")).isEqualTo(1);
        assertThat(count("select count(*) from processed_messages")).isEqualTo(3);
        assertThat(count("select count(*) from processed_messages where message_id = 'skip-2'")).isZero();
        assertThat(registry.get("orderflow.consumer.records").tag("outcome", "skipped").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("orderflow.consumer.records").tag("outcome", "duplicate").counter().count())
                .isEqualTo(1);
    }

    @Test
    void undecodableAndFailingRecordsGoToTheDeadLetterTopicWhileTheRestIsProcessed() {
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        byte[] garbage = "not avro".getBytes(StandardCharsets.UTF_8);
        RecordMetadata undecodable = kafka.send(topic.name(), "order-1".getBytes(StandardCharsets.UTF_8), garbage);
        // Other orders: order-1's later records would wait behind its dead letter (see DeadLetterReplayTest).
        RecordMetadata poison = kafka.send(topic, "order-2", outcome("m-poison", "order-2"));
        kafka.send(topic, "order-3", outcome("m-3", "order-3"));

        start(kafka.config(), (handle, value, record) -> {
            record(handle, value, record);
            if (value.getOutcomeId().equals("m-poison")) {
                throw new IllegalArgumentException("no such warehouse");
            }
        });

        awaitHandled("m-3");
        assertThat(handledCount("m-1")).isEqualTo(1);
        // The failing record's writes were rolled back with it, and it is not marked processed, so a replay runs it.
        assertThat(handledCount("m-poison")).isZero();
        assertThat(count("select count(*) from processed_messages where message_id = 'm-poison'")).isZero();

        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readUntil(DeadLetters.topicFor(topic.name()),
                read -> read.size() >= 2, Duration.ofSeconds(30));
        assertThat(dead).hasSize(2);
        dead = new ArrayList<>(dead);
        dead.sort(java.util.Comparator.comparing(r -> new String(r.key(), StandardCharsets.UTF_8)));
        assertDeadLetter(dead.get(0), undecodable, "not a readable EffectOutcome");
        assertThat(dead.get(0).value()).isEqualTo(garbage);
        assertDeadLetter(dead.get(1), poison, "no such warehouse", "order-2");
        assertThat(topic.valueSerde().deserializer().deserialize(topic.name(), dead.get(1).value()).getOutcomeId())
                .isEqualTo("m-poison");
        assertThat(registry.get("orderflow.consumer.records").tag("outcome", "dead_lettered").counter().count())
                .isEqualTo(2);
    }

    @Test
    void aPoisonRecordInTheMiddleOfABatchGoesToTheDeadLetterTopicAndTheOthersAreProcessedOnce() {
        List<RecordMetadata> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            // One order per record: records of the poison's order after it would be parked behind it.
            sent.add(kafka.send(topic, "order-" + i, outcome(i == 5 ? "m-poison" : "m-" + i, "order-" + i)));
        }
        List<Integer> callSizes = Collections.synchronizedList(new ArrayList<>());
        IdempotentConsumer.BatchHandler<EffectOutcome> handler = (handle, records) -> {
            callSizes.add(records.size());
            for (ConsumerRecord<String, EffectOutcome> record : records) {
                record(handle, record.value(), record);
                if (record.value().getOutcomeId().equals("m-poison")) {
                    throw new IllegalArgumentException("line 2 names no SKU");
                }
            }
        };

        IdempotentConsumer<EffectOutcome> first = startBatched(kafka.config(), handler);
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.readUntil(DeadLetters.topicFor(topic.name()),
                read -> !read.isEmpty(), Duration.ofSeconds(30));
        awaitHandled("m-9");
        assertThat(dead).hasSize(1);
        assertDeadLetter(dead.get(0), sent.get(5), "line 2 names no SKU", "order-5");
        for (int i = 0; i < 10; i++) {
            if (i != 5) {
                assertThat(handledCount("m-" + i)).as("m-" + i).isEqualTo(1);
            }
        }
        assertThat(handledCount("m-poison")).isZero();
        assertThat(count("select count(*) from processed_messages")).isEqualTo(9);
        // The batch came in one call, failed, and was redone one record per call.
        assertThat(callSizes.get(0)).isEqualTo(10);
        assertThat(callSizes.subList(1, callSizes.size())).containsOnly(1).hasSize(10);
        assertThat(registry.get("orderflow.consumer.batch.redone").counter().count()).isEqualTo(1);
        first.close();

        // A crash after the database commit but before the offset commit: everything comes again, nothing twice.
        kafka.resetGroupToBeginning(group, topic.name());
        kafka.send(topic, "order-1", outcome("m-after", "order-1"));
        startBatched(kafka.config(), handler);
        awaitHandled("m-after");
        assertThat(count("select count(*) from handled")).isEqualTo(10);
        assertThat(count("select count(distinct message_id) from handled")).isEqualTo(10);
        assertThat(handledCount("m-poison")).isZero();
    }

    @Test
    void aBatchHandlerGetsOnlyTheNewRecordsOfABatchInOrder() {
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        kafka.send(topic, "order-1", outcome("m-2", "order-1"));
        kafka.send(topic, "order-1", outcome("m-1", "order-1"));
        kafka.send(topic, "order-1", outcome("m-3", "order-1"));
        List<String> seen = Collections.synchronizedList(new ArrayList<>());

        startBatched(kafka.config(), (handle, records) -> {
            for (ConsumerRecord<String, EffectOutcome> record : records) {
                seen.add(record.value().getOutcomeId());
                record(handle, record.value(), record);
            }
        });

        awaitHandled("m-3");
        assertThat(seen).containsExactly("m-1", "m-2", "m-3");
        assertThat(registry.get("orderflow.consumer.records").tag("outcome", "duplicate").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("orderflow.consumer.records").tag("outcome", "processed").counter().count())
                .isEqualTo(3);
    }

    @Test
    void transientDatabaseFailuresRetryTheBatchAndNeverDeadLetter() {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        for (String id : List.of("m-1", "m-serialization", "m-deadlock", "m-connection-lost", "m-retry-later", "m-5")) {
            kafka.send(topic, "order-1", outcome(id, "order-1"));
        }

        start(kafka.config(), (handle, value, record) -> {
            record(handle, value, record);
            boolean first = attempts.computeIfAbsent(value.getOutcomeId(), k -> new AtomicInteger()).incrementAndGet() == 1;
            if (!first) {
                return;
            }
            switch (value.getOutcomeId()) {
                case "m-serialization" -> handle.execute("do $$ begin raise exception 'conflict' using errcode = '40001'; end $$");
                case "m-deadlock" -> handle.execute("do $$ begin raise exception 'deadlock' using errcode = '40P01'; end $$");
                case "m-connection-lost" -> handle.execute("select pg_terminate_backend(pg_backend_pid())");
                case "m-retry-later" -> throw new RetryLater("gateway down");
                default -> { }
            }
        });

        awaitHandled("m-5");
        for (String id : List.of("m-1", "m-serialization", "m-deadlock", "m-connection-lost", "m-retry-later", "m-5")) {
            assertThat(handledCount(id)).as(id).isEqualTo(1);
        }
        // Each retry runs the whole batch again (its first run was rolled back), so these ran more than once.
        assertThat(attempts.get("m-serialization").get()).isGreaterThanOrEqualTo(2);
        assertThat(attempts.get("m-connection-lost").get()).isGreaterThanOrEqualTo(2);
        assertThat(registry.get("orderflow.consumer.batch.retries").counter().count()).isGreaterThanOrEqualTo(4);
        assertThat(kafka.readAll(DeadLetters.topicFor(topic.name()))).isEmpty();
    }

    @Test
    void aConsumerClosedMidStreamAndRestartedLosesNothingAndDuplicatesNothing() {
        int total = 300;
        for (int i = 0; i < total; i++) {
            String order = "order-" + (i % 10);
            kafka.send(topic, order, outcome("m-" + i, order));
        }
        Config smallBatches = kafka.config().with("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS", "20");
        IdempotentConsumer.Handler<EffectOutcome> slow = (handle, value, record) -> {
            record(handle, value, record);
            Thread.sleep(5);
        };

        IdempotentConsumer<EffectOutcome> first = start(smallBatches, slow);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from handled") >= 60);
        first.close();
        long afterClose = count("select count(*) from handled");
        assertThat(afterClose).isLessThan(total);
        // A graceful close commits what it handled: the committed offsets cover exactly the handled records.
        start(smallBatches, slow);
        await().atMost(Duration.ofSeconds(60)).until(() -> count("select count(*) from handled") >= total);
        sleep(Duration.ofSeconds(1));
        assertThat(count("select count(*) from handled")).isEqualTo(total);
        assertThat(count("select count(distinct message_id) from handled")).isEqualTo(total);
    }

    @Test
    void redeliveryOfEverythingAfterACrashBeforeTheOffsetCommitChangesNothing() {
        for (int i = 0; i < 50; i++) {
            String order = "order-" + (i % 5);
            kafka.send(topic, order, outcome("m-" + i, order));
        }
        IdempotentConsumer<EffectOutcome> first = start(kafka.config(), IdempotentConsumerTest::record);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from handled") >= 50);
        first.close();

        // As if the database commit had happened but no offset commit ever did: the whole topic comes again.
        kafka.resetGroupToBeginning(group, topic.name());
        kafka.send(topic, "order-1", outcome("m-after", "order-1"));
        start(kafka.config(), IdempotentConsumerTest::record);

        awaitHandled("m-after");
        assertThat(count("select count(*) from handled")).isEqualTo(51);
        assertThat(count("select count(distinct message_id) from handled")).isEqualTo(51);
    }

    @Test
    void withAnIntervalNeverReachedOffsetsAreStillCommittedOnceIdle() throws Exception {
        for (int i = 0; i < 40; i++) {
            kafka.send(topic, "order-" + (i % 4), outcome("m-" + i, "order-" + (i % 4)));
        }
        // Only going idle (or closing) commits here.
        Config lazy = kafka.config().with(IdempotentConsumer.COMMIT_INTERVAL, "PT1H")
                .with("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS", "5");
        start(lazy, IdempotentConsumerTest::record);

        awaitHandled("m-39");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(committed()).isEqualTo(40));
    }

    @Test
    void closingAnIdleConsumerCommitsTheOffsetsOfEverythingItHandled() throws Exception {
        for (int i = 0; i < 40; i++) {
            kafka.send(topic, "order-" + (i % 4), outcome("m-" + i, "order-" + (i % 4)));
        }
        // No interval commit, and closed before its idle poll ends: close() itself must commit what was handled.
        Config lazy = kafka.config().with(IdempotentConsumer.COMMIT_INTERVAL, "PT1H")
                .with("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS", "5");
        IdempotentConsumer<EffectOutcome> consumer = start(lazy, IdempotentConsumerTest::record);
        // All 40 (the partitions are read independently, so the last one sent need not be the last one handled).
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from handled") == 40);

        consumer.close();

        assertThat(consumer.isRunning()).isFalse();
        assertThat(committed()).isEqualTo(40);
    }

    private long committed() throws Exception {
        return kafka.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().values().stream()
                .filter(Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
    }

    private IdempotentConsumer<EffectOutcome> start(Config config, IdempotentConsumer.Handler<EffectOutcome> handler) {
        IdempotentConsumer<EffectOutcome> consumer = IdempotentConsumer.builder(topic, EffectOutcome::getOutcomeId)
                .groupId(group)
                .handler(handler)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .registry(registry)
                .start(config, db.jdbi());
        consumers.add(consumer);
        return consumer;
    }

    private IdempotentConsumer<EffectOutcome> startBatched(Config config,
                                                           IdempotentConsumer.BatchHandler<EffectOutcome> handler) {
        IdempotentConsumer<EffectOutcome> consumer = IdempotentConsumer.builder(topic, EffectOutcome::getOutcomeId)
                .groupId(group)
                .batchHandler(handler)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .registry(registry)
                .start(config, db.jdbi());
        consumers.add(consumer);
        return consumer;
    }

    private static void record(Handle handle, EffectOutcome value, ConsumerRecord<String, EffectOutcome> record) {
        assertThat(record.key()).isEqualTo(value.getOrderId());
        handle.createUpdate("insert into handled (message_id, order_id) values (:id, :order)")
                .bind("id", value.getOutcomeId())
                .bind("order", value.getOrderId())
                .execute();
    }

    private void assertDeadLetter(ConsumerRecord<byte[], byte[]> dead, RecordMetadata source, String error) {
        assertDeadLetter(dead, source, error, "order-1");
    }

    private void assertDeadLetter(ConsumerRecord<byte[], byte[]> dead, RecordMetadata source, String error,
                                  String key) {
        assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(key);
        assertThat(TestKafka.header(dead.headers(), DeadLetters.ERROR)).contains(error);
        assertThat(TestKafka.header(dead.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(topic.name());
        assertThat(TestKafka.header(dead.headers(), DeadLetters.SOURCE_PARTITION))
                .isEqualTo(Integer.toString(source.partition()));
        assertThat(TestKafka.header(dead.headers(), DeadLetters.SOURCE_OFFSET))
                .isEqualTo(Long.toString(source.offset()));
        assertThat(TestKafka.header(dead.headers(), DeadLetters.FAILED_BY)).isEqualTo(group);
    }

    private void awaitHandled(String messageId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> handledCount(messageId) > 0);
    }

    private long handledCount(String messageId) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from handled where message_id = :id")
                .bind("id", messageId).mapTo(Long.class).one());
    }

    private long count(String sql) {
        return db.jdbi().withHandle(h -> h.createQuery(sql).mapTo(Long.class).one());
    }

    private static EffectOutcome outcome(String id, String orderId) {
        return EffectOutcome.newBuilder()
                .setOutcomeId(id)
                .setOrderId(orderId)
                .setEffect(Effect.RESERVE_STOCK)
                .setStatus(OutcomeStatus.SUCCEEDED)
                .setOccurredAt(Instant.now())
                .build();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
