package io.orderflow.common.app;

import java.util.Optional;

/**
 * Implemented by what a {@link Service.Starter} returns when it can tell whether it is ready for work (a Streams app
 * is running, a consumer is polling); a started service that does not implement it counts as ready.
 */
public interface Readiness {
    /** Empty when ready; otherwise why not, e.g. {@code "streams REBALANCING"}. */
    Optional<String> unready();
}
