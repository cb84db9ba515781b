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
 * @param deadlinesPerScan deadlines one scan acts on, so a pile of them never holds the task for long; the rest
 *                        follow one scan interval later ({@code ORDERFLOW_DEADLINES_PER_SCAN}, 5000)
 */
public record EngineSettings(Duration scanInterval, long maxInFlight, Duration busyRetryAfter, int deadlinesPerScan) {
    public static final EngineSettings DEFAULTS =
            new EngineSettings(Duration.ofSeconds(1), 1_000, Duration.ofSeconds(5), 5_000);

    public EngineSettings {
        if (deadlinesPerScan < 1) {
            throw new IllegalArgumentException("ORDERFLOW_DEADLINES_PER_SCAN must be at least 1, not " + deadlinesPerScan);
        }
    }

    public static EngineSettings from(Config config) {
        return new EngineSettings(
                config.getDuration("ORDERFLOW_DEADLINE_SCAN_INTERVAL", DEFAULTS.scanInterval()),
                config.getLong("ORDERFLOW_MAX_IN_FLIGHT", DEFAULTS.maxInFlight()),
                config.getDuration("ORDERFLOW_BUSY_RETRY_AFTER", DEFAULTS.busyRetryAfter()),
                config.getInt("ORDERFLOW_DEADLINES_PER_SCAN", DEFAULTS.deadlinesPerScan()));
    }

    public EngineSettings withMaxInFlight(long bound) {
        return new EngineSettings(scanInterval, bound, busyRetryAfter, deadlinesPerScan);
    }

    public EngineSettings withDeadlinesPerScan(int limit) {
        return new EngineSettings(scanInterval, maxInFlight, busyRetryAfter, limit);
    }

    /** The bound as the state machine takes it: 0 or less means none. */
    long bound() {
        return maxInFlight > 0 ? maxInFlight : Long.MAX_VALUE;
    }
}
