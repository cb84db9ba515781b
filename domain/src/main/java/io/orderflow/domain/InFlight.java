package io.orderflow.domain;

import io.orderflow.schema.Effect;
import io.orderflow.schema.Transition;
import java.time.Instant;

/**
 * A transition waiting for a worker's outcome. The order keeps its visible state meanwhile; {@code heldReason} says
 * why it waits longer than usual (an outside dependency is down, or business hours are closed). {@code heldUntil} is
 * set when the wait has a known end, the next opening of business hours: from then on the request waits on the
 * worker again, and its timeouts count from then, not from its start.
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
        String heldReason,
        Instant heldUntil) {

    public InFlight(String requestId, Transition transition, Effect effect, String commandId, Actor actor,
                    String correlationId, String reason, Instant startedAt, Instant deadline, String heldReason) {
        this(requestId, transition, effect, commandId, actor, correlationId, reason, startedAt, deadline, heldReason,
                null);
    }

    /** When the worker could first act on the request: its start, or the opening it was held for. */
    Instant waitingSince() {
        return heldUntil != null && heldUntil.isAfter(startedAt) ? heldUntil : startedAt;
    }

    /** Waits on the worker (not on the outside world) at {@code now}: never held, or held only until an opening. */
    boolean waitsOnWorker(Instant now) {
        return heldReason == null || (heldUntil != null && !now.isBefore(heldUntil));
    }

    /** Still waiting, with no reason to show: the worker is behind, so its silence is not yet a timeout. */
    InFlight waitingUntil(Instant newDeadline) {
        return new InFlight(requestId, transition, effect, commandId, actor, correlationId, reason, startedAt,
                newDeadline, heldReason, heldUntil);
    }

    InFlight held(String why, Instant newDeadline) {
        return new InFlight(requestId, transition, effect, commandId, actor, correlationId, reason, startedAt,
                newDeadline, why, null);
    }

    /** Held until {@code opening}, when the worker can act on it; its deadline counts from then. */
    InFlight heldUntil(String why, Instant opening, Instant newDeadline) {
        return new InFlight(requestId, transition, effect, commandId, actor, correlationId, reason, startedAt,
                newDeadline, why, opening);
    }
}
