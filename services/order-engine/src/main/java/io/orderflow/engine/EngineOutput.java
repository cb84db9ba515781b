package io.orderflow.engine;

import io.orderflow.schema.CommandResult;
import io.orderflow.schema.OrderEvent;

/** What the order processor emits; the topology routes each kind to its topic. */
sealed interface EngineOutput {
    /** A state change or transition update, for orders.events. */
    record Event(OrderEvent event) implements EngineOutput {}

    /** An effect request (body {@code EffectRequested}), for its worker's request topic. */
    record Request(OrderEvent event) implements EngineOutput {}

    record Result(CommandResult result) implements EngineOutput {}

    /** Orders that entered ({@code > 0}) or left ({@code < 0}) a state since the last flush; summed into orders.state-counts. */
    record CountDelta(long delta) implements EngineOutput {}
}
