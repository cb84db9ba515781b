package io.orderflow.engine;

import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.Rules;
import io.orderflow.domain.StallPolicy;
import io.orderflow.domain.Timeouts;
import java.time.Duration;

/**
 * Starts the order engine: {@code ORDERFLOW_BUSINESS_HOURS}, {@code ORDERFLOW_TIMEZONE}, {@code ORDERFLOW_HOLIDAYS},
 * the timeouts, and the processor's {@link EngineSettings}.
 */
public final class OrderEngineMain {
    public static final String APPLICATION_ID = "orderflow-engine";

    private OrderEngineMain() {}

    /** Starts the engine; {@code orderflow run engine} hosts it (services/host). */
    public static StreamsRunner start(Config config) throws InterruptedException {
        var props = new KafkaConfig(config).streams(config.get("ORDERFLOW_ENGINE_APPLICATION_ID", APPLICATION_ID));
        var topology = EngineTopology.build(new OrderMachine(rules(config)), EngineSettings.from(config));
        StreamsRunner runner = StreamsRunner.start(topology, props, Duration.ofSeconds(60));
        var meters = EngineMetrics.ordersPerState(runner.streams(), Metrics.globalRegistry);
        runner.onClose(() -> meters.forEach(Metrics.globalRegistry::remove));
        return runner;
    }

    /**
     * {@code ORDERFLOW_ENGINE_MODE=choreographed} (default): outside effects go to the workers and the automatic path
     * runs; {@code direct}: transitions apply at once, for running the engine with no workers.
     */
    static Rules rules(Config config) {
        BusinessHours hours = businessHours(config);
        String mode = config.get("ORDERFLOW_ENGINE_MODE", "choreographed");
        return switch (mode) {
            case "direct" -> Rules.direct(hours);
            case "choreographed" -> Rules.choreographed(hours, new Timeouts(
                    config.getDuration("ORDERFLOW_TIMEOUT_IN_FLIGHT", Timeouts.DEFAULTS.inFlight()),
                    config.getDuration("ORDERFLOW_TIMEOUT_HELD", Timeouts.DEFAULTS.held()),
                    config.getDuration("ORDERFLOW_TIMEOUT_UNPAID", Timeouts.DEFAULTS.unpaid()),
                    config.getDuration("ORDERFLOW_TIMEOUT_DELIVERY", Timeouts.DEFAULTS.delivery()),
                    config.getDuration("ORDERFLOW_TIMEOUT_FOLLOW_UP", Timeouts.DEFAULTS.followUp())),
                    stallPolicy(config));
            default -> throw new IllegalArgumentException(
                    "ORDERFLOW_ENGINE_MODE='" + mode + "' is not one of: choreographed, direct");
        };
    }

    /**
     * {@code ORDERFLOW_STALL_POLICY}: {@code retry} (default) or {@code none} (a stalled order waits for a person);
     * with retry, {@code ORDERFLOW_RESERVE_RETRY_EVERY} / {@code ORDERFLOW_RESERVE_ATTEMPTS} (then cancel) and
     * {@code ORDERFLOW_LABEL_RETRY_FIRST} / {@code ORDERFLOW_LABEL_ATTEMPTS} (doubling, then flag); 0 attempts = no limit.
     */
    static StallPolicy stallPolicy(Config config) {
        String policy = config.get("ORDERFLOW_STALL_POLICY", "retry");
        StallPolicy d = StallPolicy.DEFAULTS;
        return switch (policy) {
            case "none" -> StallPolicy.NONE;
            case "retry" -> new StallPolicy(true,
                    config.getDuration("ORDERFLOW_RESERVE_RETRY_EVERY", d.reserveEvery()),
                    config.getInt("ORDERFLOW_RESERVE_ATTEMPTS", d.reserveAttempts()),
                    config.getDuration("ORDERFLOW_LABEL_RETRY_FIRST", d.labelFirstRetry()),
                    config.getInt("ORDERFLOW_LABEL_ATTEMPTS", d.labelAttempts()));
            default -> throw new IllegalArgumentException(
                    "ORDERFLOW_STALL_POLICY='" + policy + "' is not one of: retry, none");
        };
    }

    /** The same settings the shipping worker reads, so both agree on when the shop is open. */
    static BusinessHours businessHours(Config config) {
        return BusinessHours.fromSettings(config.get("ORDERFLOW_BUSINESS_HOURS", "always"),
                config.get("ORDERFLOW_TIMEZONE", "UTC"), config.get("ORDERFLOW_HOLIDAYS", ""));
    }
}
