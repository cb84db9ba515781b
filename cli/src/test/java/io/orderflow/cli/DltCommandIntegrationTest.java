package io.orderflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.AvroSerde;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code orderflow dlt list|show|replay} against the real broker: what an operator sees and what a replay sends. */
class DltCommandIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private Topic<String, EffectOutcome> topic;
    private OrderClient client;

    @BeforeEach
    void setUp() {
        topic = kafka.createTopic(new Topic<>("cli-dlt", Serdes.String(), AvroSerde.of(EffectOutcome.class)));
        String log = kafka.createTopic("cli-dlt-replays");
        Config config = kafka.config().with("ORDERFLOW_DLT_REPLAY_LOG", log)
                .with("ORDERFLOW_DLT_REPLAY_TRANSACTIONAL_ID", log);
        client = new OrderClient(config);
        EffectOutcome outcome = EffectOutcome.newBuilder().setOutcomeId("out-1").setOrderId("o-7")
                .setEffect(Effect.RESERVE_STOCK).setStatus(OutcomeStatus.SUCCEEDED).setOccurredAt(Instant.now()).build();
        kafka.send(DeadLetters.record(topic.name(), 3, 41, bytes("o-7"),
                topic.valueSerde().serializer().serialize(topic.name(), outcome), new RecordHeaders(),
                new IllegalArgumentException("no such warehouse"), "inventory-worker"));
        kafka.send(DeadLetters.record(topic.name(), 1, 9, bytes("o-8"), bytes("not avro"), new RecordHeaders(),
                new IllegalArgumentException("not a readable EffectOutcome"), "inventory-worker"));
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    @Test
    void listShowsTheTopicWithItsCountsAndShowDecodesTheValue() {
        CliRun list = CliRun.of(client, "dlt", "list");
        assertThat(list.exitCode()).as(list.err()).isEqualTo(ExitCodes.OK);
        assertThat(list.out()).containsPattern(topic.deadLetterTopic() + "\\s+2\\s+2\\s");

        CliRun show = CliRun.of(client, "dlt", "show", topic.name(), "--order", "o-7");
        assertThat(show.exitCode()).as(show.err()).isEqualTo(ExitCodes.OK);
        assertThat(show.out())
                .contains("key:          o-7")
                .contains("error:        no such warehouse (java.lang.IllegalArgumentException)")
                .contains("source:       " + topic.name() + " partition 3 offset 41")
                .contains("failed by:    inventory-worker")
                .contains("attempts:     1")
                .contains("replayed:     no")
                .contains("\"outcomeId\": \"out-1\"")
                .doesNotContain("o-8");

        CliRun hex = CliRun.of(client, "dlt", "show", topic.deadLetterTopic(), "--error", "readable");
        assertThat(hex.out()).contains("key:          o-8").contains("hex 6e6f74206176726f")
                .contains("no C3 01 marker");
        assertThat(CliRun.of(client, "dlt", "show", topic.name(), "--order", "nobody").exitCode())
                .isEqualTo(ExitCodes.NOT_FOUND);
    }

    @Test
    void replayDryRunSendsNothingAReplaySendsOnceAndAgainNothing() {
        CliRun unnarrowed = CliRun.of(client, "dlt", "replay", topic.name());
        assertThat(unnarrowed.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(unnarrowed.err()).contains("say --all, or narrow it");

        CliRun dry = CliRun.of(client, "dlt", "replay", topic.name(), "--order", "o-7", "--dry-run");
        assertThat(dry.exitCode()).as(dry.err()).isEqualTo(ExitCodes.OK);
        assertThat(dry.out()).startsWith("WOULD_REPLAY").contains("order o-7");
        assertThat(kafka.readAll(topic.name())).isEmpty();

        CliRun replay = CliRun.of(client, "dlt", "replay", topic.name(), "--order", "o-7", "--as", "ops-anna");
        assertThat(replay.exitCode()).as(replay.err()).isEqualTo(ExitCodes.OK);
        assertThat(replay.out()).startsWith("REPLAYED").contains("by ops-anna");
        List<ConsumerRecord<byte[], byte[]>> sent = kafka.readAll(topic.name());
        assertThat(sent).hasSize(1);
        assertThat(new String(sent.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("o-7");
        assertThat(TestKafka.header(sent.get(0).headers(), DeadLetters.REPLAY_FOR)).isEqualTo("inventory-worker");
        assertThat(TestKafka.header(sent.get(0).headers(), DeadLetters.ORIGIN)).isEqualTo(topic.name() + "/3/41");
        assertThat(TestKafka.header(sent.get(0).headers(), DeadLetters.ERROR)).isNull();

        CliRun again = CliRun.of(client, "dlt", "replay", topic.name(), "--all");
        assertThat(again.out()).contains("ALREADY_REPLAYED").containsPattern("(?m)^REPLAYED\\s");
        assertThat(kafka.readAll(topic.name())).hasSize(2);   // only o-8 was new
        assertThat(CliRun.of(client, "dlt", "show", topic.name(), "--order", "o-7").out())
                .contains("replayed:     replayed to " + topic.name());
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
