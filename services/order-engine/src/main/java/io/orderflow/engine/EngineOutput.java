package io.orderflow.engine;

import io.orderflow.schema.CommandResult;
import io.orderflow.schema.OrderEvent;

/** What the order processor emits; the topology routes each kind to its topic. */
sealed interface EngineOutput {
    record Event(OrderEvent event) implements EngineOutput {}

    record Result(CommandResult result) implements EngineOutput {}

    /** An order entered ({@code +1}) or left ({@code -1}) a state; summed into orders.state-counts. */
    record CountDelta(long delta) implements EngineOutput {}
}
