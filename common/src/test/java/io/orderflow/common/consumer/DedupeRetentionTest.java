package io.orderflow.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.AvroSerde;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Dedupe rows are pruned once their records can no longer be redelivered, and never before (see Retention). */
class DedupeRetentionTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private final List<IdempotentConsumer<?>> consumers = new ArrayList<>();
    private TestDatabase schema;
    private Database db;
    private Topic<String, EffectOutcome> topic;
    private String group;

    @BeforeEach
    void setUp() {
        schema = TestDatabase.create();
        db = schema.open("classpath:db/testing/handled");
        topic = kafka.createTopic(new Topic<>("retention", Serdes.String(), AvroSerde.of(EffectOutcome.class)));
        group = TestKafka.uniqueGroup("retention-worker");
    }

    @AfterEach
    void tearDown() {
        consumers.forEach(IdempotentConsumer::close);
        schema.close();
    }

    @Test
    void rowsOlderThanTheTopicsRedeliveryWindowArePrunedAndARecentRedeliveryIsStillIgnored() throws Exception {
        // A record may stay in the log retention.ms + segment.ms = 70 minutes; plus a 1-minute margin.
        topicConfig(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000", TopicConfig.SEGMENT_MS_CONFIG, "600000"));
        IdempotentConsumer<EffectOutcome> consumer = start(kafka.config().with("ORDERFLOW_RETENTION_MARGIN", "1m"));
        processedAgo(group, "m-old", Duration.ofMinutes(75));
        processedAgo(group, "m-recent", Duration.ofMinutes(65));
        processedAgo("another-group", "m-other", Duration.ofHours(5));

        assertThat(consumer.pruneNow()).containsEntry("processed_messages", 1);

        assertThat(processedIds()).containsExactlyInAnyOrder("m-recent", "m-other");
        // The recent record comes again (a redelivery): still recognised, not processed a second time.
        kafka.send(topic, "order-1", outcome("m-recent"));
        kafka.send(topic, "order-1", outcome("m-new"));
        await().atMost(Duration.ofSeconds(30)).until(() -> handledCount("m-new") == 1);
        assertThat(handledCount("m-recent")).isZero();
    }

    @Test
    void aLongerConfiguredKeepIsHonouredButAShorterOneNeverShortensTheWindow() throws Exception {
        topicConfig(Map.of(TopicConfig.RETENTION_MS_CONFIG, "3600000", TopicConfig.SEGMENT_MS_CONFIG, "600000"));
        Config oneMinuteMargin = kafka.config().with("ORDERFLOW_RETENTION_MARGIN", "1m");
        processedAgo(group, "m-65m", Duration.ofMinutes(65));

        IdempotentConsumer<EffectOutcome> shortKeep = start(oneMinuteMargin.with("ORDERFLOW_RETENTION_KEEP", "1m"));
        assertThat(shortKeep.pruneNow()).containsEntry("processed_messages", 0);
        shortKeep.close();

        processedAgo(group, "m-2h", Duration.ofHours(2));
        processedAgo(group, "m-4h", Duration.ofHours(4));
        IdempotentConsumer<EffectOutcome> longKeep = start(oneMinuteMargin.with("ORDERFLOW_RETENTION_KEEP", "3h"));
        assertThat(longKeep.pruneNow()).containsEntry("processed_messages", 1);
        assertThat(processedIds()).containsExactlyInAnyOrder("m-65m", "m-2h");
    }

    @Test
    void rowsOfATopicThatKeepsRecordsForeverAreNeverPruned() throws Exception {
        topicConfig(Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
        IdempotentConsumer<EffectOutcome> consumer = start(kafka.config());
        processedAgo(group, "m-ancient", Duration.ofDays(400));

        assertThat(consumer.pruneNow()).isEmpty();
        assertThat(processedIds()).containsExactly("m-ancient");
    }

    private IdempotentConsumer<EffectOutcome> start(Config config) {
        IdempotentConsumer<EffectOutcome> consumer = IdempotentConsumer.builder(topic, EffectOutcome::getOutcomeId)
                .groupId(group)
                .handler((handle, value, record) -> handle
                        .createUpdate("insert into handled (message_id, order_id) values (:id, :order)")
                        .bind("id", value.getOutcomeId()).bind("order", value.getOrderId()).execute())
                .registry(new SimpleMeterRegistry())
                .start(config.with("ORDERFLOW_RETENTION_INTERVAL", "0s"), db.jdbi());
        consumers.add(consumer);
        return consumer;
    }

    private void topicConfig(Map<String, String> settings) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
        List<AlterConfigOp> ops = settings.entrySet().stream()
                .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                .toList();
        kafka.admin().incrementalAlterConfigs(Map.of(resource, ops)).all().get(30, TimeUnit.SECONDS);
        // The broker applies a config change asynchronously: wait until it is what a describe returns.
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            var described = kafka.admin().describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS)
                    .get(resource);
            return settings.entrySet().stream().allMatch(e -> e.getValue().equals(described.get(e.getKey()).value()));
        });
    }

    private void processedAgo(String consumerGroup, String messageId, Duration ago) {
        db.jdbi().useHandle(h -> h.createUpdate("""
                        insert into processed_messages (consumer_group, message_id, topic, kafka_partition, kafka_offset,
                                                        processed_at)
                        values (:group, :id, :topic, 0, 0, now() - make_interval(secs => :seconds))""")
                .bind("group", consumerGroup).bind("id", messageId).bind("topic", topic.name())
                .bind("seconds", (double) ago.toSeconds()).execute());
    }

    private List<String> processedIds() {
        return db.jdbi().withHandle(h -> h.createQuery("select message_id from processed_messages")
                .mapTo(String.class).list());
    }

    private long handledCount(String messageId) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from handled where message_id = :id")
                .bind("id", messageId).mapTo(Long.class).one());
    }

    private static EffectOutcome outcome(String id) {
        return EffectOutcome.newBuilder().setOutcomeId(id).setOrderId("order-1").setEffect(Effect.RESERVE_STOCK)
                .setStatus(OutcomeStatus.SUCCEEDED).setOccurredAt(Instant.now()).build();
    }
}
