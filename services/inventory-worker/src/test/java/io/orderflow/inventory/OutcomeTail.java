package io.orderflow.inventory;

import static org.awaitility.Awaitility.await;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.EffectOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Every outcome published on inventory.events from the moment it starts (committed records only), by order id.
 * Starting at the end keeps a test from reading what earlier runs left on the shared topic.
 */
final class OutcomeTail implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<EffectOutcome>> byOrder = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    private OutcomeTail(Config config) {
        Properties props = new KafkaConfig(config).consumer("unused", "inventory-test-tail");
        props.remove("group.id");
        consumer = new KafkaConsumer<>(props);
        String topic = Topics.INVENTORY_EVENTS.name();
        List<TopicPartition> all = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(all);
        consumer.seekToEnd(all);
        all.forEach(consumer::position);  // resolve the end now, before the test sends anything
        thread = new Thread(this::run, "inventory-outcome-tail");
        thread.setDaemon(true);
    }

    static OutcomeTail start(Config config) {
        OutcomeTail tail = new OutcomeTail(config);
        tail.thread.start();
        return tail;
    }

    /** The outcomes for {@code orderId} so far, in publication order. */
    List<EffectOutcome> of(String orderId) {
        List<EffectOutcome> outcomes = byOrder.get(orderId);
        if (outcomes == null) {
            return List.of();
        }
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    /** The outcomes answering {@code requestId} so far. */
    List<EffectOutcome> answers(String orderId, String requestId) {
        return of(orderId).stream().filter(o -> Objects.equals(o.getRequestId(), requestId)).toList();
    }

    /** Waits for the first answer to {@code requestId}. */
    EffectOutcome awaitAnswer(String orderId, String requestId) {
        await("an answer to " + requestId).atMost(Duration.ofSeconds(60))
                .until(() -> !answers(orderId, requestId).isEmpty());
        return answers(orderId, requestId).get(0);
    }

    private void run() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    EffectOutcome outcome;
                    try {
                        outcome = Topics.INVENTORY_EVENTS.valueSerde().deserializer()
                                .deserialize(record.topic(), record.value());
                    } catch (RuntimeException e) {
                        continue;  // someone else's garbage on the shared topic
                    }
                    List<EffectOutcome> outcomes = byOrder.computeIfAbsent(outcome.getOrderId(),
                            k -> new ArrayList<>());
                    synchronized (outcomes) {
                        outcomes.add(outcome);
                    }
                }
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
