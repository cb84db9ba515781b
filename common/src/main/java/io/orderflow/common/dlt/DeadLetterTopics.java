package io.orderflow.common.dlt;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.KafkaConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the dead-letter topics on the broker: which exist, and every record in one, oldest first per partition. */
public final class DeadLetterTopics implements AutoCloseable {
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    /** A topic's dead letters in short. {@code oldest} and {@code newest} are null for an empty topic. */
    public record Summary(String topic, int records, Instant oldest, Instant newest) {}

    public DeadLetterTopics(Config config, Duration timeout) {
        this.timeout = timeout;
        int ms = (int) Math.max(1, timeout.toMillis());
        Properties adminProps = new KafkaConfig(config).admin("orderflow-dlt-admin");
        adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        this.admin = Admin.create(adminProps);
        Properties props = new KafkaConfig(config).consumer("unused", "orderflow-dlt-reader");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);  // assigned partitions, no offsets kept
        props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, ms);
        this.consumer = new KafkaConsumer<>(props);
    }

    /** Every {@code <topic>.dlt} on the broker, by name. */
    public List<String> names() {
        try {
            return admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS).stream()
                    .filter(name -> name.endsWith(DeadLetters.SUFFIX)).sorted().toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics: " + rootMessage(e), e);
        }
    }

    public Summary summarize(String topic) {
        List<DeadLetter> letters = read(topic);
        return new Summary(topic, letters.size(),
                letters.stream().map(DeadLetter::timestamp).min(Comparator.naturalOrder()).orElse(null),
                letters.stream().map(DeadLetter::timestamp).max(Comparator.naturalOrder()).orElse(null));
    }

    /** Every committed record of {@code topic}, by partition and offset. */
    public List<DeadLetter> read(String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        if (partitions.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
        Instant deadline = Instant.now().plus(timeout);
        List<DeadLetter> letters = new ArrayList<>();
        // Positions pass transaction markers too, so "at the end" is the test, not a count of records.
        while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < ends.get(p))) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("reading " + topic + " took longer than " + timeout.toSeconds() + "s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                letters.add(DeadLetter.of(record));
            }
        }
        letters.sort(Comparator.comparing(DeadLetter::partition).thenComparing(DeadLetter::offset));
        return letters;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    @Override
    public void close() {
        consumer.close(Duration.ZERO);
        admin.close(Duration.ofSeconds(1));
    }
}
