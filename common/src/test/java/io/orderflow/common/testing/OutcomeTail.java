package io.orderflow.common.testing;

import static org.awaitility.Awaitility.await;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topic;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Every outcome a worker publishes on its (shared, real) outcome topic from the moment the tail starts, committed
 * records only, by order id. Starting at the end keeps a test from reading what earlier runs left on the topic.
 */
public final class OutcomeTail implements AutoCloseable {
    private final Topic<String, EffectOutcome> topic;
    private final Duration patience;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<EffectOutcome>> byOrder = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean closed;

    private OutcomeTail(Config config, Topic<String, EffectOutcome> topic, Duration patience) {
        this.topic = topic;
        this.patience = patience;
        Properties props = new KafkaConfig(config).consumer("unused", topic.name() + "-test-tail");
        props.remove("group.id");
        consumer = new KafkaConsumer<>(props);
        List<TopicPartition> all = consumer.partitionsFor(topic.name(), Duration.ofSeconds(15)).stream()
                .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
        consumer.assign(all);
        consumer.seekToEnd(all);
        all.forEach(consumer::position);  // resolve the end now, before the test sends anything
        thread = new Thread(this::run, topic.name() + "-test-tail");
        thread.setDaemon(true);
    }

    /** Starts tailing {@code topic}; the {@code await…} methods wait at most {@code patience}. */
    public static OutcomeTail start(Config config, Topic<String, EffectOutcome> topic, Duration patience) {
        OutcomeTail tail = new OutcomeTail(config, topic, patience);
        tail.thread.start();
        return tail;
    }

    /** The outcomes for {@code orderId} so far, in publication order. */
    public List<EffectOutcome> of(String orderId) {
        List<EffectOutcome> outcomes = byOrder.get(orderId);
        if (outcomes == null) {
            return List.of();
        }
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    /** The outcomes answering {@code requestId} so far. */
    public List<EffectOutcome> answers(String orderId, String requestId) {
        return of(orderId).stream().filter(o -> Objects.equals(o.getRequestId(), requestId)).toList();
    }

    /** Waits for the first outcome of the order that matches, and returns it. */
    public EffectOutcome awaitFirst(String orderId, Predicate<EffectOutcome> matching) {
        return waitFor("an outcome of " + orderId + " that matches", orderId, matching);
    }

    /** Waits for the first answer to {@code requestId}. */
    public EffectOutcome awaitAnswer(String orderId, String requestId) {
        return waitFor("an answer to " + requestId, orderId, o -> Objects.equals(o.getRequestId(), requestId));
    }

    /** Waits for the first final answer (SUCCEEDED or FAILED) to {@code requestId}. */
    public EffectOutcome awaitFinal(String orderId, String requestId) {
        return waitFor("a final answer to " + requestId, orderId, o -> Objects.equals(o.getRequestId(), requestId)
                && (o.getStatus() == OutcomeStatus.SUCCEEDED || o.getStatus() == OutcomeStatus.FAILED));
    }

    /** Waits for the first answer with {@code status} to {@code requestId}. */
    public EffectOutcome awaitStatus(String orderId, String requestId, OutcomeStatus status) {
        return waitFor(status + " for " + requestId, orderId,
                o -> Objects.equals(o.getRequestId(), requestId) && o.getStatus() == status);
    }

    private EffectOutcome waitFor(String what, String orderId, Predicate<EffectOutcome> matching) {
        return await(what).atMost(patience)
                .until(() -> of(orderId).stream().filter(matching).findFirst().orElse(null), Objects::nonNull);
    }

    private void run() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    EffectOutcome outcome;
                    try {
                        outcome = topic.valueSerde().deserializer().deserialize(record.topic(), record.value());
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
