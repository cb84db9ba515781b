package io.orderflow.domain;

import io.orderflow.schema.Effect;
import io.orderflow.schema.Transition;
import java.time.Instant;

/**
 * A transition waiting for a worker's outcome. The order keeps its visible state meanwhile; {@code heldReason} says
 * why it waits longer than usual (an outside dependency is down, or business hours are closed).
 */
public record InFlight(
        String requestId,
        Transition transition,
        Effect effect,
        String commandId,
        Actor actor,
        String correlationId,
        String reason,
        Instant startedAt,
        Instant deadline,
        String heldReason) {

    /** Still waiting, with no reason to show: the worker is behind, so its silence is not yet a timeout. */
    InFlight waitingUntil(Instant newDeadline) {
        return new InFlight(requestId, transition, effect, commandId, actor, correlationId, reason, startedAt,
                newDeadline, heldReason);
    }

    InFlight held(String why, Instant newDeadline) {
        return new InFlight(requestId, transition, effect, commandId, actor, correlationId, reason, startedAt,
                newDeadline, why);
    }
}
