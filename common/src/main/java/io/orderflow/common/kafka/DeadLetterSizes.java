package io.orderflow.common.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.common.config.Config;
import io.orderflow.common.metrics.ScrapeSample;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code orderflow.dlt.records{topic}}: the records in each dead-letter topic ({@code *.dlt}), latest minus earliest
 * offset over its partitions (what retention removed is not counted), read from the broker on scrape at most every
 * 15 s. The figure is the cluster's, so every process shows the same.
 */
public final class DeadLetterSizes implements AutoCloseable {
    private static final int TIMEOUT_SECONDS = 5;
    private final Admin admin;
    private final MeterRegistry registry;
    private final ScrapeSample<Map<String, Long>> sizes;

    private DeadLetterSizes(Config config, MeterRegistry registry) {
        Properties props = new KafkaConfig(config).admin("orderflow-dlt-metrics");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
        this.admin = Admin.create(props);
        this.registry = registry;
        this.sizes = new ScrapeSample<>("dead-letter topic sizes", Duration.ofSeconds(15), this::read);
    }

    /** Registers the gauges as the topics are found (a first read starts now). */
    public static DeadLetterSizes start(Config config, MeterRegistry registry) {
        DeadLetterSizes meter = new DeadLetterSizes(config, registry);
        meter.sizes.latest();
        return meter;
    }

    private Map<String, Long> read() throws Exception {
        List<String> topics = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                .filter(t -> t.endsWith(DeadLetters.SUFFIX)).sorted().toList();
        Map<String, Long> result = new HashMap<>();
        if (topics.isEmpty()) {
            return result;
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        // Per topic and partition, so a topic deleted meanwhile (tests make and drop many) spoils only its own figure.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2L * TIMEOUT_SECONDS);
        admin.describeTopics(topics).topicNameValues().forEach((name, description) -> {
            try {
                description.get(remaining(deadline), TimeUnit.NANOSECONDS).partitions().forEach(p -> {
                    earliest.put(new TopicPartition(name, p.partition()), OffsetSpec.earliest());
                    latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest());
                });
            } catch (Exception e) {
                // gone or unreadable now: no figure for it this time
            }
        });
        ListOffsetsResult first = admin.listOffsets(earliest);
        ListOffsetsResult end = admin.listOffsets(latest);
        for (TopicPartition tp : latest.keySet()) {
            try {
                long size = end.partitionResult(tp).get(remaining(deadline), TimeUnit.NANOSECONDS).offset()
                        - first.partitionResult(tp).get(remaining(deadline), TimeUnit.NANOSECONDS).offset();
                result.merge(tp.topic(), size, Long::sum);
            } catch (Exception e) {
                // as above
            }
        }
        for (String topic : topics) {
            Gauge.builder("orderflow.dlt.records", sizes, s -> size(s.latest(), topic)).tag("topic", topic)
                    .description("records in a dead-letter topic").register(registry);
        }
        return result;
    }

    /** What is left until {@code deadline}: one read waits at most that long in all, however many topics fail. */
    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private static double size(Map<String, Long> sizes, String topic) {
        return sizes == null ? Double.NaN : sizes.getOrDefault(topic, 0L);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(TIMEOUT_SECONDS));
    }
}
