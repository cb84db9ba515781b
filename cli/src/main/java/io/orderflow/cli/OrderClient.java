package io.orderflow.cli;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Talks to Orderflow through its topics: sends a command and waits for its one result; reads an order's events.
 * Every call finishes within the caller's timeout, the broker's metadata waits included, and says in one line why it
 * got no answer ({@link NoAnswer}).
 */
final class OrderClient implements AutoCloseable {
    private final Config config;
    private final KafkaConfig kafka;
    private final String bootstrap;
    private KafkaProducer<byte[], byte[]> producer;
    private Duration producerCloseWait = Duration.ofSeconds(5);

    OrderClient(Config config) {
        this.config = config;
        this.kafka = new KafkaConfig(config);
        this.bootstrap = config.kafkaBootstrap();
    }

    /** The settings it was made with, for commands that need more than the order topics (bulk, dlt, stuck). */
    Config config() {
        return config;
    }

    /** No answer in time: the broker cannot be reached, a topic is missing, or the engine did not answer. */
    static final class NoAnswer extends Exception {
        NoAnswer(String message) {
            super(message);
        }
    }

    /** Publishes the command keyed by its order id and returns the engine's result for it. */
    CommandResult send(OrderCommand command, Duration timeout) throws NoAnswer {
        Instant deadline = Instant.now().plus(timeout);
        Topic<String, CommandResult> results = Topics.COMMAND_RESULTS;
        try (Reader reader = new Reader(timeout)) {
            TopicPartition partition = partitionOf(reader.consumer, results.name(), command.getOrderId(), timeout);
            reader.consumer.assign(List.of(partition));
            reader.consumer.seekToEnd(List.of(partition));
            reader.consumer.position(partition, left(deadline)); // fixed before sending: the result cannot slip past
            try {
                producer(timeout).send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(), key(command.getOrderId()),
                        Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, command)))
                        .get(left(deadline).toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                producerCloseWait = Duration.ZERO; // nothing sent: do not wait for it on close
                if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                    throw unreachable(timeout);
                }
                throw new NoAnswer("could not publish the command to the broker at " + bootstrap + ": "
                        + e.getCause().getMessage());
            } catch (java.util.concurrent.TimeoutException e) {
                producerCloseWait = Duration.ZERO;
                throw unreachable(timeout);
            }
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : reader.consumer.poll(min(Duration.ofMillis(200), left(deadline)))) {
                    CommandResult result = results.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (result.getCommandId().equals(command.getCommandId())) {
                        return result;
                    }
                }
            }
            throw new NoAnswer("the broker took command " + command.getCommandId() + ", but no result came within "
                    + timeout.toSeconds() + "s; is the order engine running? (scripts/status.sh)");
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NoAnswer("interrupted while waiting for the result");
        }
    }

    /** Every event of one order, oldest first (read from the one partition that holds it). */
    List<OrderEvent> history(String orderId, Duration timeout) throws NoAnswer {
        List<OrderEvent> events = new ArrayList<>();
        try (Reader reader = new Reader(timeout)) {
            TopicPartition partition = partitionOf(reader.consumer, Topics.ORDER_EVENTS.name(), orderId, timeout);
            byte[] key = key(orderId);
            readToEnd(reader.consumer, List.of(partition), timeout, r -> {
                if (Arrays.equals(r.key(), key)) {
                    events.add(Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
            });
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable(timeout);
        }
        return events;
    }

    /** Every event on orders.events, in order per order (per partition), to {@code sink}. */
    void everyEvent(Duration timeout, Consumer<OrderEvent> sink) throws NoAnswer {
        try (Reader reader = new Reader(timeout)) {
            List<TopicPartition> partitions = partitions(reader.consumer, Topics.ORDER_EVENTS.name(), timeout);
            readToEnd(reader.consumer, partitions, timeout,
                    r -> sink.accept(Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value())));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable(timeout);
        }
    }

    /** The latest count per state from orders.state-counts. */
    Map<String, Long> stateCounts(Duration timeout) throws NoAnswer {
        Map<String, Long> counts = new TreeMap<>();
        try (Reader reader = new Reader(timeout)) {
            List<TopicPartition> partitions = partitions(reader.consumer, Topics.STATE_COUNTS.name(), timeout);
            readToEnd(reader.consumer, partitions, timeout, r -> counts.put(new String(r.key(), StandardCharsets.UTF_8),
                    Topics.STATE_COUNTS.valueSerde().deserializer().deserialize(r.topic(), r.value())));
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw unreachable(timeout);
        }
        return counts;
    }

    private void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Duration timeout,
                           Consumer<ConsumerRecord<byte[], byte[]>> sink) throws NoAnswer {
        Instant deadline = Instant.now().plus(timeout);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, left(deadline));
        while (partitions.stream().anyMatch(p -> consumer.position(p, left(deadline)) < end.get(p))) {
            if (!Instant.now().isBefore(deadline)) {
                throw new NoAnswer("reading from the broker at " + bootstrap + " took longer than "
                        + timeout.toSeconds() + "s; try a longer --timeout");
            }
            consumer.poll(min(Duration.ofMillis(200), left(deadline))).forEach(sink);
        }
    }

    private NoAnswer unreachable(Duration timeout) {
        return new NoAnswer("the Kafka broker at " + bootstrap + " cannot be reached (no answer within "
                + timeout.toSeconds() + "s); is it running? (scripts/status.sh; ORDERFLOW_KAFKA_BOOTSTRAP sets the address)");
    }

    /** The producer waits for metadata and acknowledgements no longer than the caller's timeout. */
    private KafkaProducer<byte[], byte[]> producer(Duration timeout) {
        if (producer == null) {
            Properties props = kafka.producer("orderflow-cli");
            int ms = (int) Math.max(1, timeout.toMillis());
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
            props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
            // Must exceed linger + request timeout; the wait for the acknowledgement is bounded by the deadline anyway.
            props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, ms + 10_000);
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    /** A consumer of assigned partitions (no group, no offsets kept), whose calls give up at the caller's timeout. */
    private final class Reader implements AutoCloseable {
        final KafkaConsumer<byte[], byte[]> consumer;

        Reader(Duration timeout) {
            Properties props = kafka.consumer("unused", "orderflow-cli");
            props.remove(ConsumerConfig.GROUP_ID_CONFIG);
            int ms = (int) Math.max(1, timeout.toMillis());
            props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
            props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, ms);
            consumer = new KafkaConsumer<>(props);
        }

        @Override
        public void close() {
            consumer.close(Duration.ZERO); // no group to leave, no offsets to commit
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic, Duration timeout)
            throws NoAnswer {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new NoAnswer("topic " + topic + " does not exist on the broker at " + bootstrap
                    + "; create the topics with infra/up.sh");
        }
        return partitions;
    }

    /** The partition the default partitioner puts this key on. */
    private TopicPartition partitionOf(KafkaConsumer<?, ?> consumer, String topic, String orderId, Duration timeout)
            throws NoAnswer {
        int partitions = partitions(consumer, topic, timeout).size();
        return new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key(orderId))) % partitions);
    }

    private static Duration left(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static byte[] key(String orderId) {
        return orderId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (producer != null) {
            try {
                producer.close(producerCloseWait);
            } catch (KafkaException e) {
                // closing after a failure: nothing more to say than the failure itself
            }
        }
    }
}
