package io.orderflow.engine;

import io.orderflow.common.config.Config;
import java.time.Duration;

/**
 * How the engine's processor runs, beside the state machine's rules.
 *
 * @param scanInterval    how often it walks the deadline index and flushes state-count deltas
 *                        ({@code ORDERFLOW_DEADLINE_SCAN_INTERVAL}, 1s)
 * @param maxInFlight     per partition: new orders are refused ({@code BUSY}) while this many orders wait on a worker
 *                        ({@code ORDERFLOW_MAX_IN_FLIGHT}, 1000; 0 means no bound)
 * @param busyRetryAfter  the retry hint a refused order gets ({@code ORDERFLOW_BUSY_RETRY_AFTER}, 5s)
 */
public record EngineSettings(Duration scanInterval, long maxInFlight, Duration busyRetryAfter) {
    public static final EngineSettings DEFAULTS = new EngineSettings(Duration.ofSeconds(1), 1_000, Duration.ofSeconds(5));

    public static EngineSettings from(Config config) {
        return new EngineSettings(
                config.getDuration("ORDERFLOW_DEADLINE_SCAN_INTERVAL", DEFAULTS.scanInterval()),
                config.getLong("ORDERFLOW_MAX_IN_FLIGHT", DEFAULTS.maxInFlight()),
                config.getDuration("ORDERFLOW_BUSY_RETRY_AFTER", DEFAULTS.busyRetryAfter()));
    }

    public EngineSettings withMaxInFlight(long bound) {
        return new EngineSettings(scanInterval, bound, busyRetryAfter);
    }

    /** The bound as the state machine takes it: 0 or less means none. */
    long bound() {
        return maxInFlight > 0 ? maxInFlight : Long.MAX_VALUE;
    }
}
