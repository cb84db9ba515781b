package io.orderflow.domain;

import java.time.Duration;

/**
 * How long the engine waits: for a worker's outcome ({@code inFlight}), for a held request ({@code held}), for payment
 * of a confirmed order before cancelling it ({@code unpaid}), for delivery of a shipped order before flagging it, and
 * for the final outcome of a compensation or follow-up before flagging the order ({@code followUp}).
 */
public record Timeouts(Duration inFlight, Duration held, Duration unpaid, Duration delivery, Duration followUp) {
    public static final Timeouts DEFAULTS = new Timeouts(Duration.ofSeconds(60), Duration.ofHours(24),
            Duration.ofHours(24), Duration.ofDays(14), Duration.ofHours(1));

    /** With follow-ups given as long as a held request. */
    public Timeouts(Duration inFlight, Duration held, Duration unpaid, Duration delivery) {
        this(inFlight, held, unpaid, delivery, held);
    }
}
