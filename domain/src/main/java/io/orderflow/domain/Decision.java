package io.orderflow.domain;

import java.util.Optional;

/** What the state machine decided about one command, and the order to keep afterwards. */
public sealed interface Decision {

    /** The order to store; empty when there is none (a refused command for an order that does not exist). */
    Optional<Order> next();

    /** The answer for the command id, as remembered for idempotency. */
    CommandOutcome outcome();

    /** The transition is applied: emit {@code change}. */
    record Applied(Order order, StateChange change, CommandOutcome outcome) implements Decision {
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
