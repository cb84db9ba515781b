package io.orderflow.benchmark;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.loadtest.InvariantChecks;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.StateChanged;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Every order of a run as {@code orders.events} tells it, read from the run's start: last state and number of state
 * changes per order. The checks read this rather than what each scenario saw by its end, because an order left in
 * flight when a scenario stopped waiting (an overloaded step of the rate search) moves on afterwards.
 */
final class EventReplay implements AutoCloseable {
    private final String idPrefix;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;
    private final Map<String, OrderState> states = new HashMap<>();
    private final Map<String, Integer> transitions = new HashMap<>();

    EventReplay(Config config, String idPrefix, long sinceEpochMillis) {
        this.idPrefix = idPrefix;
        var props = new KafkaConfig(config).consumer("unused", "bench-replay");
        props.remove("group.id");
        consumer = new KafkaConsumer<>(props);
        partitions = consumer.partitionsFor(Topics.ORDER_EVENTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, OffsetAndTimestamp> from = consumer.offsetsForTimes(
                partitions.stream().collect(Collectors.toMap(p -> p, p -> sinceEpochMillis)));
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        partitions.forEach(p -> consumer.seek(p, from.get(p) == null ? ends.get(p) : from.get(p).offset()));
    }

    /** Reads up to the end as it is now and returns every order of the run seen so far. */
    Map<String, InvariantChecks.Observed> catchUp() {
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                OrderEvent e = Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                if (e.getOrderId().startsWith(idPrefix) && e.getBody() instanceof StateChanged c) {
                    states.put(e.getOrderId(), c.getToState());
                    transitions.merge(e.getOrderId(), 1, Integer::sum);
                }
            }
        }
        Map<String, InvariantChecks.Observed> observed = new HashMap<>();
        states.forEach((id, state) -> observed.put(id, new InvariantChecks.Observed(state, transitions.get(id))));
        return observed;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
