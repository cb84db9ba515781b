package io.orderflow.engine;

import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderCommand;

/** What the order processor reads: a command, or a worker's outcome. Both arrive keyed by order id. */
sealed interface EngineInput {
    record Command(OrderCommand command) implements EngineInput {}

    record Outcome(EffectOutcome outcome) implements EngineInput {}
}
