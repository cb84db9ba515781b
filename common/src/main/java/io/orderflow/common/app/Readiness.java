package io.orderflow.common.app;

import java.util.Optional;

/**
 * Implemented by what a {@link Service.Starter} returns when it can tell whether it is ready for work (a Streams app
 * is running, a consumer is polling); a started service that does not implement it counts as ready. The process's
 * {@code /health/ready} also checks its Kafka and database connections ({@link ServiceHost}).
 */
public interface Readiness {
    /** Empty when ready; otherwise why not, e.g. {@code "streams REBALANCING"}. */
    Optional<String> unready();

    /** The readiness of a service that can tell only whether its threads (consumers, relay, senders) still run. */
    static Optional<String> running(boolean running) {
        return running ? Optional.empty() : Optional.of("stopped: a consumer, relay or sender thread ended (see the log)");
    }
}
