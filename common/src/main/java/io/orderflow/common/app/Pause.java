package io.orderflow.common.app;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Sleeping in a background loop that must notice within a moment that it is asked to stop. */
public final class Pause {
    private Pause() {}

    /**
     * Sleeps {@code duration} in slices of at most {@code slice}, and returns early once {@code stopping} holds.
     *
     * @return false if the thread was interrupted (its interrupt flag is set again), true otherwise
     */
    public static boolean sleep(Duration duration, Duration slice, BooleanSupplier stopping) {
        long deadline = System.nanoTime() + duration.toNanos();
        while (!stopping.getAsBoolean()) {
            long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remaining <= 0) {
                return true;
            }
            try {
                Thread.sleep(Math.min(remaining, slice.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Waits up to {@code timeout} for a background loop's thread to finish; true if it did. */
    public static boolean awaitExit(Thread thread, Duration timeout) {
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
