package io.orderflow.domain;

import io.orderflow.schema.Effect;
import io.orderflow.schema.Transition;
import java.time.Instant;

/**
 * A compensation or follow-up the engine sent and nothing waits for, watched until its final outcome: when
 * {@code deadline} passes without one, the order is flagged for a person. {@code heldReason} is set once the worker
 * said it waits on an outside system; the deadline then stretches to the held timeout.
 */
public record WatchedRequest(String requestId, Transition transition, Effect effect, Instant sentAt, Instant deadline,
                             String heldReason) {

    WatchedRequest held(String why, Instant newDeadline) {
        return new WatchedRequest(requestId, transition, effect, sentAt, newDeadline, why);
    }
}
