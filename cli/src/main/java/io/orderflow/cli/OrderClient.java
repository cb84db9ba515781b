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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/** Talks to Orderflow through its topics: sends a command and waits for its one result; reads an order's events. */
final class OrderClient implements AutoCloseable {
    private final KafkaConfig kafka;
    private KafkaProducer<byte[], byte[]> producer;

    OrderClient(Config config) {
        this.kafka = new KafkaConfig(config);
    }

    /** Publishes the command keyed by its order id and returns the engine's result for it. */
    CommandResult send(OrderCommand command, Duration timeout) throws Exception {
        Topic<String, CommandResult> results = Topics.COMMAND_RESULTS;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition partition = partitionOf(consumer, results.name(), command.getOrderId());
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition); // fix the position before sending, so the result cannot slip past us
            producer().send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(), key(command.getOrderId()),
                    Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, command))).get();
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    CommandResult result = results.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (result.getCommandId().equals(command.getCommandId())) {
                        return result;
                    }
                }
            }
            throw new TimeoutException("no result for command " + command.getCommandId() + " within " + timeout
                    + "; is the order engine running? (scripts/status.sh)");
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not publish the command: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Every event of one order, oldest first (read from the one partition that holds it). */
    List<OrderEvent> history(String orderId) {
        List<OrderEvent> events = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition partition = partitionOf(consumer, Topics.ORDER_EVENTS.name(), orderId);
            byte[] key = key(orderId);
            readToEnd(consumer, List.of(partition), r -> {
                if (java.util.Arrays.equals(r.key(), key)) {
                    events.add(Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                }
            });
        }
        return events;
    }

    /** The latest count per state from orders.state-counts. */
    Map<String, Long> stateCounts() {
        Map<String, Long> counts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.STATE_COUNTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            readToEnd(consumer, partitions, r -> counts.put(new String(r.key(), StandardCharsets.UTF_8),
                    Topics.STATE_COUNTS.valueSerde().deserializer().deserialize(r.topic(), r.value())));
        }
        return counts;
    }

    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
                                  Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            consumer.poll(Duration.ofMillis(200)).forEach(sink);
        }
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(kafka.producer("orderflow-cli"));
        }
        return producer;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        var props = kafka.consumer("unused", "orderflow-cli");
        props.remove("group.id"); // assigned partitions only; the CLI keeps no offsets
        return new KafkaConsumer<>(props);
    }

    /** The partition the default partitioner puts this key on. */
    private static TopicPartition partitionOf(KafkaConsumer<?, ?> consumer, String topic, String orderId) {
        int partitions = consumer.partitionsFor(topic).size();
        return new TopicPartition(topic, Utils.toPositive(Utils.murmur2(key(orderId))) % partitions);
    }

    private static byte[] key(String orderId) {
        return orderId.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
