package io.orderflow.domain;

import java.time.Duration;

/**
 * How long the engine waits: for a worker's outcome ({@code inFlight}), for a held request ({@code held}), for payment
 * of a confirmed order before cancelling it ({@code unpaid}), and for delivery of a shipped order before flagging it.
 */
public record Timeouts(Duration inFlight, Duration held, Duration unpaid, Duration delivery) {
    public static final Timeouts DEFAULTS =
            new Timeouts(Duration.ofSeconds(60), Duration.ofHours(24), Duration.ofHours(24), Duration.ofDays(14));
}
