package io.orderflow.engine;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Timer;
import io.orderflow.schema.OrderState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The engine's meters (docs/metrics.md): {@code orderflow.transitions} counts transitions by transition and outcome
 * (applied, refused with the rejection code as reason, rolled_back, held, flagged), and
 * {@code orderflow.command.latency} times each command from its publication to the engine's decision. Counters are
 * made once per (transition, outcome, reason) and kept, so counting costs a map lookup.
 */
final class EngineMetrics {
    static final EngineMetrics GLOBAL = new EngineMetrics(Metrics.globalRegistry);

    private final MeterRegistry registry;
    private final Map<String, Counter> transitions = new ConcurrentHashMap<>();
    private final Timer commandLatency;

    EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.commandLatency = Timer.builder("orderflow.command.latency")
                .description("from a command's publication on orders.commands to the engine's decision on it")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    /** {@code outcome}: applied, refused, rolled_back, held or flagged; {@code reason}: a rejection code, or null. */
    void transition(Enum<?> transition, String outcome, Enum<?> reason) {
        String t = transition == null ? "none" : transition.name().toLowerCase(Locale.ROOT);
        String r = reason == null ? "none" : reason.name();
        transitions.computeIfAbsent(t + '/' + outcome + '/' + r, k -> Counter.builder("orderflow.transitions")
                .tag("transition", t).tag("outcome", outcome).tag("reason", r)
                .description("transitions by outcome: applied, refused (reason: the rejection code), rolled_back, "
                        + "held, flagged").register(registry)).increment();
    }

    void commandDecided(long publishedAtMs, long decidedAtMs) {
        commandLatency.record(Duration.ofMillis(Math.max(0, decidedAtMs - publishedAtMs)));
    }

    /**
     * {@code orderflow.orders{state}}: orders per state, read on scrape from the engine's state-count store (the
     * counts this instance holds: with several engine instances, sum over them). NaN while the store is not
     * queryable (starting, rebalancing).
     */
    static List<Meter> ordersPerState(KafkaStreams streams, MeterRegistry registry) {
        List<Meter> meters = new ArrayList<>();
        for (OrderState state : OrderState.values()) {
            meters.add(Gauge.builder("orderflow.orders", streams, s -> count(s, state)).tag("state", state.name().toLowerCase(Locale.ROOT))
                    .description("orders per state, from the engine's state counts").register(registry));
        }
        return meters;
    }

    private static double count(KafkaStreams streams, OrderState state) {
        try {
            ReadOnlyKeyValueStore<String, Long> counts = streams.store(StoreQueryParameters.fromNameAndType(
                    EngineTopology.STATE_COUNTS_STORE, QueryableStoreTypes.<String, Long>keyValueStore()));
            Long count = counts.get(state.name());
            return count == null ? 0 : count;
        } catch (InvalidStateStoreException e) {
            return Double.NaN;
        }
    }
}
