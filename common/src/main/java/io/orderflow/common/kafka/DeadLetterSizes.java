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
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
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
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "orderflow-dlt-metrics");
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
        for (TopicDescription d : admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .values()) {
            d.partitions().forEach(p -> {
                earliest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.earliest());
                latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            });
        }
        Map<TopicPartition, ListOffsetsResultInfo> first = admin.listOffsets(earliest).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResultInfo> end = admin.listOffsets(latest).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        end.forEach((tp, info) -> result.merge(tp.topic(), info.offset() - first.get(tp).offset(), Long::sum));
        for (String topic : topics) {
            Gauge.builder("orderflow.dlt.records", sizes, s -> size(s.latest(), topic)).tag("topic", topic)
                    .description("records in a dead-letter topic").register(registry);
        }
        return result;
    }

    private static double size(Map<String, Long> sizes, String topic) {
        return sizes == null ? Double.NaN : sizes.getOrDefault(topic, 0L);
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(TIMEOUT_SECONDS));
    }
}
