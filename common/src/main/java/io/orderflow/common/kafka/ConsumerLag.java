package io.orderflow.common.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * {@code orderflow.consumer.lag{group}}: records a consumer group's members in this process have yet to read, summed
 * over the partitions they hold, from the Kafka clients' own per-partition {@code records-lag} (no broker call).
 */
public final class ConsumerLag {
    private ConsumerLag() {}

    /** Registers the group's gauge; remove it from {@code registry} when the consumer closes. */
    public static Gauge register(MeterRegistry registry, String group, DoubleSupplier lag) {
        return Gauge.builder("orderflow.consumer.lag", lag, DoubleSupplier::getAsDouble).tag("group", group)
                .description("records not yet read by the group's consumers in this process").register(registry);
    }

    /** Sums the main consumers' per-partition lag in a client's metrics (a Streams app's restore consumer aside). */
    public static double sum(Map<MetricName, ? extends Metric> metrics) {
        double total = 0;
        boolean any = false;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.entrySet()) {
            MetricName name = e.getKey();
            if (name.name().equals("records-lag") && name.group().equals("consumer-fetch-manager-metrics")
                    && name.tags().containsKey("partition")
                    && !name.tags().getOrDefault("client-id", "").endsWith("restore-consumer")
                    && e.getValue().metricValue() instanceof Number n && !Double.isNaN(n.doubleValue())) {
                total += n.doubleValue();
                any = true;
            }
        }
        return any ? total : 0;
    }
}
