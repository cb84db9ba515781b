package io.orderflow.domain;

import java.util.List;
import java.util.Optional;

/** What the state machine decided about one command, and the order to keep afterwards. */
public sealed interface Decision {

    /** The order to store; empty when there is none (a refused command for an order that does not exist). */
    Optional<Order> next();

    /** The answer for the command id, as remembered for idempotency. */
    CommandOutcome outcome();

    /** Effect requests to emit: the in-flight request, follow-ups and compensations. */
    default List<EffectRequest> requests() {
        return List.of();
    }

    /** The transition is applied: emit {@code change}, then {@code requests} (follow-ups, or the next automatic step). */
    record Applied(Order order, StateChange change, List<EffectRequest> requests, CommandOutcome outcome)
            implements Decision {
        public Applied {
            requests = List.copyOf(requests);
        }

        public Optional<Order> next() {
            return Optional.of(order);
        }
    }

    /** The transition needs an outside effect: the order keeps its state with the transition in flight. */
    record Started(Order order, List<EffectRequest> requests, CommandOutcome outcome) implements Decision {
        public Started {
            requests = List.copyOf(requests);
        }

        public Optional<Order> next() {
            return Optional.of(order);
        }
    }

    /** The command is refused; the order is unchanged except that it remembers the refusal. */
    record Rejected(Optional<Order> next, CommandOutcome outcome) implements Decision {
        public RejectionCode code() {
            return outcome.code();
        }

        public String reason() {
            return outcome.message();
        }
    }

    /** The command id was seen before: nothing changes and the earlier answer is given again. */
    record Duplicate(Optional<Order> next, CommandOutcome outcome) implements Decision {}
}
