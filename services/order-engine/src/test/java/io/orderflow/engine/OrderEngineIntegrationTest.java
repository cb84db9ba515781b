package io.orderflow.engine;

import static io.orderflow.engine.Commands.place;
import static io.orderflow.engine.Commands.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.common.kafka.Topics;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine against the real broker started by infra/kafka.sh: commands in, events and results out. */
class OrderEngineIntegrationTest {
    private static final Config CONFIG = Config.fromEnvironment();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static StreamsRunner engine;
    private static KafkaProducer<byte[], byte[]> producer;
    private static TopicTail tail;

    @BeforeAll
    static void startEngine() throws Exception {
        KafkaConfig kafka = new KafkaConfig(CONFIG.with("ORDERFLOW_STATE_DIR",
                Files.createTempDirectory("engine-it").toString()));
        Properties props = kafka.streams("engine-it-" + RUN);
        // Earlier runs left commands on the shared topics; this engine only needs the ones this test sends.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        tail = new TopicTail(kafka, List.of(Topics.ORDER_EVENTS.name(), Topics.COMMAND_RESULTS.name(),
                Topics.STATE_COUNTS.name(), Topics.ORDER_COMMANDS.deadLetterTopic()));
        engine = StreamsRunner.start(EngineTopology.build(new OrderMachine(BusinessHours.ALWAYS)),
                props, Duration.ofSeconds(60));
        producer = new KafkaProducer<>(kafka.producer("engine-it"));
    }

    @AfterAll
    static void stop() {
        if (producer != null) producer.close();
        if (engine != null) engine.close();
        if (tail != null) tail.close();
    }

    private static void send(OrderCommand command) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(), command.getOrderId().getBytes(StandardCharsets.UTF_8),
                Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, command))).get();
    }

    private static List<OrderEvent> eventsOf(String orderId) {
        return tail.values(Topics.ORDER_EVENTS.name(), orderId).stream()
                .map(v -> Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(null, v)).toList();
    }

    private static List<CommandResult> resultsOf(String orderId) {
        return tail.values(Topics.COMMAND_RESULTS.name(), orderId).stream()
                .map(v -> Topics.COMMAND_RESULTS.valueSerde().deserializer().deserialize(null, v)).toList();
    }

    @Test
    void orderIsTakenFromPendingToDeliveredAndAForbiddenRefundIsRefused() throws Exception {
        String orderId = "it-" + RUN + "-1";
        send(place(orderId));
        send(take(orderId, Transition.CONFIRM, Role.SUPPORT));
        send(take(orderId, Transition.PAY, Role.FINANCE));
        send(take(orderId, Transition.SHIP, Role.WAREHOUSE));
        send(take(orderId, Transition.DELIVER, Role.WAREHOUSE));
        send(take(orderId, Transition.REFUND, Role.WAREHOUSE));

        await().atMost(Duration.ofSeconds(30)).until(() -> resultsOf(orderId).size() == 6);
        List<CommandResult> results = resultsOf(orderId);
        assertThat(results).extracting(CommandResult::getStatus).containsExactly(CommandStatus.APPLIED,
                CommandStatus.APPLIED, CommandStatus.APPLIED, CommandStatus.APPLIED, CommandStatus.APPLIED,
                CommandStatus.REJECTED);
        assertThat(results.get(5).getMessage())
                .isEqualTo("role warehouse may not refund order " + orderId + "; refund needs role admin or finance");

        List<OrderEvent> events = eventsOf(orderId);
        assertThat(events).extracting(OrderEvent::getVersion).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(events).extracting(e -> ((StateChanged) e.getBody()).getToState()).containsExactly(
                OrderState.PENDING, OrderState.CONFIRMED, OrderState.PAID, OrderState.SHIPPED, OrderState.DELIVERED);
        assertThat(events).allSatisfy(e -> assertThat(e.getCorrelationId()).isEqualTo("corr-" + orderId));

        // This engine's counts start at zero, and it has delivered exactly this order.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(tail.latestLong(Topics.STATE_COUNTS.name(), "DELIVERED")).isEqualTo(1L));
    }

    @Test
    void undecodableCommandIsDeadLetteredWithItsOriginAndTheNextCommandIsApplied() throws Exception {
        String orderId = "it-" + RUN + "-2";
        producer.send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(), orderId.getBytes(StandardCharsets.UTF_8),
                "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
        send(place(orderId));

        await().atMost(Duration.ofSeconds(30)).until(() -> !tail.records(Topics.ORDER_COMMANDS.deadLetterTopic(), orderId).isEmpty()
                && resultsOf(orderId).size() == 1);
        ConsumerRecord<byte[], byte[]> dead = tail.records(Topics.ORDER_COMMANDS.deadLetterTopic(), orderId).get(0);
        assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("{\"not\":\"avro\"}");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo("orders.commands");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).matches("\\d+");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).contains("not a readable OrderCommand");
        assertThat(resultsOf(orderId).get(0).getStatus()).isEqualTo(CommandStatus.APPLIED);
    }

    /** Reads the given topics from their current end in the background and keeps what arrives, by key. */
    static final class TopicTail implements AutoCloseable {
        private final Map<String, List<ConsumerRecord<byte[], byte[]>>> byTopicAndKey = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        TopicTail(KafkaConfig kafka, List<String> topics) throws InterruptedException {
            Properties props = kafka.consumer("tail-" + UUID.randomUUID(), "engine-it-tail");
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
            java.util.concurrent.CountDownLatch assigned = new java.util.concurrent.CountDownLatch(1);
            thread = new Thread(() -> {
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
                    consumer.subscribe(topics, new org.apache.kafka.clients.consumer.ConsumerRebalanceListener() {
                        public void onPartitionsRevoked(java.util.Collection<org.apache.kafka.common.TopicPartition> p) {}
                        public void onPartitionsAssigned(java.util.Collection<org.apache.kafka.common.TopicPartition> p) {
                            p.forEach(consumer::position);
                            assigned.countDown();
                        }
                    });
                    while (running) {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                            byTopicAndKey.computeIfAbsent(r.topic() + "/" + key,
                                    k -> Collections.synchronizedList(new ArrayList<>())).add(r);
                        }
                    }
                }
            }, "topic-tail");
            thread.start();
            assigned.await();
        }

        List<ConsumerRecord<byte[], byte[]>> records(String topic, String key) {
            List<ConsumerRecord<byte[], byte[]>> found = byTopicAndKey.getOrDefault(topic + "/" + key, List.of());
            synchronized (found) {
                return List.copyOf(found);
            }
        }

        List<byte[]> values(String topic, String key) {
            return records(topic, key).stream().map(ConsumerRecord::value).toList();
        }

        Long latestLong(String topic, String key) {
            List<byte[]> values = values(topic, key);
            return values.isEmpty() ? null
                    : Topics.STATE_COUNTS.valueSerde().deserializer().deserialize(topic, values.get(values.size() - 1));
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
