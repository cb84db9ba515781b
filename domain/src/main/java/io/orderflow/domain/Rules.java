package io.orderflow.domain;

/**
 * How the state machine runs. With {@code outsideEffects}, transitions that need a worker go in flight and wait for
 * its outcome; without, they apply at once (the engine alone, with no workers). With {@code autoAdvance}, the system
 * takes the automatic path on its own: placed, confirmed (stock reserved), paid (captured), shipped (labelled).
 * {@code stalls} says what happens to an order that a failed automatic step left waiting.
 */
public record Rules(BusinessHours businessHours, boolean outsideEffects, boolean autoAdvance, Timeouts timeouts,
                    StallPolicy stalls) {
    public static Rules direct(BusinessHours hours) {
        return new Rules(hours, false, false, Timeouts.DEFAULTS, StallPolicy.DEFAULTS);
    }

    public static Rules choreographed(BusinessHours hours, Timeouts timeouts) {
        return choreographed(hours, timeouts, StallPolicy.DEFAULTS);
    }

    public static Rules choreographed(BusinessHours hours, Timeouts timeouts, StallPolicy stalls) {
        return new Rules(hours, true, true, timeouts, stalls);
    }
}
