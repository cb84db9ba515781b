package io.orderflow.admin.projection;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.OrderEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the read model from the topics: empties the projected tables and replays every record from the beginning
 * up to the end offsets seen at the start, through the same {@link Projection}. A live projector may run meanwhile:
 * the projection only moves rows forward, so whichever applies an event last leaves the same row.
 */
public final class Rebuild {
    private static final Logger log = LoggerFactory.getLogger(Rebuild.class);
    private static final int BATCH = 500;

    private Rebuild() {}

    public record Counts(long events, long results, long tracking, long ledger) {}

    public static Counts run(Config config, Jdbi jdbi) {
        jdbi.useTransaction(h -> h.execute("truncate orders, order_lines, order_history, command_results, ledger_entries"));
        long events = 0;
        for (Topic<String, OrderEvent> topic : Projector.ORDER_TOPICS) {
            events += replay(config, jdbi, topic, (h, e) -> Projection.apply(h, e));
        }
        long results = replay(config, jdbi, Topics.COMMAND_RESULTS, (h, r) -> Projection.apply(h, r));
        long tracking = replay(config, jdbi, Topics.SHIPPING_EVENTS, (Handle h, EffectOutcome o) -> {
            if (o.getEffect() == Effect.TRACK_SHIPMENT && o.getTrackingStatus() != null) {
                Projection.applyTracking(h, o);
            }
        });
        long ledger = replay(config, jdbi, Topics.FINANCE_LEDGER, (Handle h, LedgerEntry e) -> Projection.apply(h, e));
        log.info("read model rebuilt: {} events and requests, {} command results, {} tracking updates, {} ledger entries",
                events, results, tracking, ledger);
        return new Counts(events, results, tracking, ledger);
    }

    private interface Apply<V> {
        void apply(Handle handle, V value);
    }

    private static <V> long replay(Config config, Jdbi jdbi, Topic<String, V> topic, Apply<V> apply) {
        var props = new KafkaConfig(config).consumer("unused", "admin-rebuild");
        props.remove("group.id"); // assigned partitions, no offsets kept
        long count = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                var records = consumer.poll(Duration.ofMillis(500));
                List<V> values = new java.util.ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;
                    }
                    try {
                        values.add(topic.valueSerde().deserializer().deserialize(r.topic(), r.value()));
                    } catch (RuntimeException undecodable) {
                        // The live projector dead-letters it; a rebuild skips it the same way.
                        log.warn("skipping undecodable record {}-{}@{}", r.topic(), r.partition(), r.offset());
                    }
                }
                for (int i = 0; i < values.size(); i += BATCH) {
                    List<V> slice = values.subList(i, Math.min(values.size(), i + BATCH));
                    jdbi.useTransaction(h -> slice.forEach(v -> apply.apply(h, v)));
                }
                count += values.size();
            }
        }
        return count;
    }
}
