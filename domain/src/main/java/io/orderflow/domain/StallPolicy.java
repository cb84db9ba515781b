package io.orderflow.domain;

import java.time.Duration;

/**
 * What the engine does with an order left waiting by a failed automatic step, instead of leaving it there forever.
 *
 * <ul>
 *   <li>{@code pending} after a failed (or timed-out) reservation: reserve again every {@code reserveEvery}, so the
 *       order goes on once stock arrives; after {@code reserveAttempts} failed reservations it is cancelled (nothing
 *       stays reserved; the customer gets the cancellation e-mail with the reason). 0 attempts = retry for ever.</li>
 *   <li>{@code paid} after a failed (or timed-out) label: try again after {@code labelFirstRetry}, doubling each
 *       time; after {@code labelAttempts} failed labels the order is flagged for a person. 0 = retry for ever.</li>
 * </ul>
 * With {@code active} false ({@link #NONE}) such an order waits for a person, as it did before stall policies.
 */
public record StallPolicy(boolean active, Duration reserveEvery, int reserveAttempts, Duration labelFirstRetry,
                          int labelAttempts) {
    public static final StallPolicy DEFAULTS =
            new StallPolicy(true, Duration.ofMinutes(10), 12, Duration.ofMinutes(1), 6);
    /** No automatic retry: a stalled order waits for a person. */
    public static final StallPolicy NONE = new StallPolicy(false, Duration.ofMinutes(10), 0, Duration.ofMinutes(1), 0);

    /** The longest wait between two label attempts, however many failed before. */
    static final Duration LONGEST_LABEL_BACKOFF = Duration.ofHours(1);

    public StallPolicy {
        if (reserveEvery.isNegative() || reserveEvery.isZero() || labelFirstRetry.isNegative()
                || labelFirstRetry.isZero()) {
            throw new IllegalArgumentException("stall policy retry intervals must be positive");
        }
        if (reserveAttempts < 0 || labelAttempts < 0) {
            throw new IllegalArgumentException("stall policy attempts must be 0 (no limit) or more");
        }
    }

    /** The wait before the next label attempt after {@code failures} failed ones: doubling, at most an hour. */
    Duration labelBackoff(int failures) {
        Duration wait = labelFirstRetry;
        for (int i = 1; i < failures && wait.compareTo(LONGEST_LABEL_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(LONGEST_LABEL_BACKOFF) > 0 ? LONGEST_LABEL_BACKOFF : wait;
    }
}
