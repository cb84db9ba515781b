package io.orderflow.domain;

import io.orderflow.schema.OrderState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An order as the engine holds it. Immutable: every change returns a new order. {@code version} grows by one per
 * applied transition; {@code recentCommands} remembers the answers to the latest command ids for idempotency;
 * {@code fulfilment} holds the outside systems' references and {@code workflow} the choreography's bookkeeping.
 */
public record Order(
        String id,
        OrderState state,
        long version,
        OrderDetails details,
        Money total,
        Instant placedAt,
        Instant updatedAt,
        List<CommandOutcome> recentCommands,
        Fulfilment fulfilment,
        Workflow workflow) {

    /** Enough for any retry window; an order sees a handful of commands in its life. */
    static final int REMEMBERED_COMMANDS = 64;

    public Order {
        recentCommands = List.copyOf(recentCommands);
    }

    public Order(String id, OrderState state, long version, OrderDetails details, Money total, Instant placedAt,
                 Instant updatedAt, List<CommandOutcome> recentCommands) {
        this(id, state, version, details, total, placedAt, updatedAt, recentCommands, Fulfilment.NONE,
                Workflow.initial(updatedAt));
    }

    static Order placed(String id, OrderDetails details, Money total, Instant now) {
        return new Order(id, OrderState.PENDING, 1, details, total, now, now, List.of());
    }

    public Optional<CommandOutcome> outcomeOf(String commandId) {
        return recentCommands.stream().filter(o -> o.commandId().equals(commandId)).findFirst();
    }

    public Optional<InFlight> inFlight() {
        return Optional.ofNullable(workflow.inFlight());
    }

    /**
     * The next moment the engine must look at this order again, if any: the earliest of its in-flight request's
     * deadline, its watched follow-ups' deadlines, and (with nothing in flight) its state's own deadline.
     */
    public Optional<Instant> deadline(Timeouts timeouts) {
        Optional<Instant> earliest = workflow.inFlight() != null
                ? Optional.of(workflow.inFlight().deadline()) : stateDeadline(timeouts);
        for (WatchedRequest w : workflow.followUps()) {
            if (earliest.isEmpty() || w.deadline().isBefore(earliest.get())) {
                earliest = Optional.of(w.deadline());
            }
        }
        return earliest;
    }

    /** When the state itself needs a look: unpaid too long, no delivery, or a stalled step to try again. */
    Optional<Instant> stateDeadline(Timeouts timeouts) {
        if (state == OrderState.CONFIRMED) {
            return Optional.of(workflow.stateSince().plus(timeouts.unpaid()));
        }
        if (state == OrderState.SHIPPED && !workflow.overdueFlagged()) {
            return Optional.of(workflow.stateSince().plus(timeouts.delivery()));
        }
        if (workflow.retry() != null && (state == OrderState.PENDING || state == OrderState.PAID)) {
            return Optional.of(workflow.retry().at());
        }
        return Optional.empty();
    }

    Order moveTo(OrderState next, Instant now) {
        return new Order(id, next, version + 1, details, total, placedAt, now, recentCommands, fulfilment,
                workflow.enteredState(now));
    }

    Order remember(CommandOutcome outcome) {
        List<CommandOutcome> kept = new ArrayList<>(recentCommands);
        kept.add(outcome);
        if (kept.size() > REMEMBERED_COMMANDS) {
            kept.remove(0);
        }
        return new Order(id, state, version, details, total, placedAt, updatedAt, kept, fulfilment, workflow);
    }

    Order with(Fulfilment f) {
        return new Order(id, state, version, details, total, placedAt, updatedAt, recentCommands, f, workflow);
    }

    Order with(Workflow w, Instant now) {
        return new Order(id, state, version, details, total, placedAt, now, recentCommands, fulfilment, w);
    }
}
