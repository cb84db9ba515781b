package io.orderflow.common.app;

import java.time.Duration;

/** Exponential backoff between attempts: {@code first}, then doubled after each failure, capped at {@code max}. */
public record Backoff(Duration first, Duration max) {

    /** How long to wait after the {@code failedAttempts}-th failed attempt in a row (1 = the first failure). */
    public Duration after(int failedAttempts) {
        if (failedAttempts < 1) {
            return Duration.ZERO;
        }
        Duration delay = first;
        for (int i = 1; i < failedAttempts && delay.compareTo(max) < 0 && !delay.isZero(); i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(max) < 0 ? delay : max;
    }
}
