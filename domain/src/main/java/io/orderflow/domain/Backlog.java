package io.orderflow.domain;

import java.time.Duration;

/**
 * How many orders wait on a worker where a new order would join them (the engine counts them per partition), and
 * the bound above which new orders are refused: overload is turned away at the edge instead of queueing until it
 * times out. {@code retryAfter} is the hint a refused client gets.
 */
public record Backlog(long inFlight, long bound, Duration retryAfter) {
    /** No bound: the machine on its own, or an engine configured without one. */
    public static final Backlog UNBOUNDED = new Backlog(0, Long.MAX_VALUE, Duration.ZERO);

    public boolean full() {
        return inFlight >= bound;
    }
}
