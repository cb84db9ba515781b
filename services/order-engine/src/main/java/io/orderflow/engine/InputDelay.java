package io.orderflow.engine;

import java.time.Duration;
import java.time.Instant;

/**
 * How far behind its own inputs one task of the engine is, so that it never judges a worker silent while the worker's
 * answers may still sit unread in the engine's input (an engine that falls behind would otherwise roll back work that
 * was already done). Measured from the records it processes: a record written at {@code T} and processed at {@code P}
 * shows the task had read its inputs only up to about {@code T}. An idle task, one that processed nothing for a while,
 * is caught up.
 */
final class InputDelay {
    /** Below this the engine counts as caught up: the normal hop of a record through Kafka and a commit. */
    static final Duration CAUGHT_UP = Duration.ofSeconds(2);

    private final Duration idleAfter;
    private final Instant started;
    private Instant lastProcessed;
    private Instant lastWritten;

    /** {@code idleAfter}: with no record processed for this long, the task has read everything there is. */
    InputDelay(Instant started, Duration idleAfter) {
        this.started = started;
        this.idleAfter = idleAfter;
    }

    /** A record written at {@code writtenAt} was processed at {@code now}. */
    void processed(long writtenAtMs, Instant now) {
        lastProcessed = now;
        lastWritten = Instant.ofEpochMilli(writtenAtMs);
    }

    /**
     * When the worker last answered as far as the engine can tell at {@code now}: never earlier than the task's start
     * (an answer cannot have been missed before there was a task to miss it: a fresh or restarted engine gives every
     * worker a full timeout), and, while the task is behind its inputs, no earlier than the time up to which it has
     * read them: when the last record it processed was written (an answer written after that is not known to be
     * missing).
     */
    Instant workerLastHeard(Instant heard, Instant now) {
        Instant known = heard == null || heard.isBefore(started) ? started : heard;
        boolean active = lastProcessed != null && now.isBefore(lastProcessed.plus(idleAfter));
        if (active && lastWritten.plus(CAUGHT_UP).isBefore(lastProcessed)) {
            return lastWritten.isAfter(known) ? lastWritten : known;
        }
        return known;
    }
}
