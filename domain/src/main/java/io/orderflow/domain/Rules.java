package io.orderflow.domain;

/**
 * How the state machine runs. With {@code outsideEffects}, transitions that need a worker go in flight and wait for
 * its outcome; without, they apply at once (the engine alone, with no workers). With {@code autoAdvance}, the system
 * takes the automatic path on its own: placed, confirmed (stock reserved), paid (captured), shipped (labelled).
 */
public record Rules(BusinessHours businessHours, boolean outsideEffects, boolean autoAdvance, Timeouts timeouts) {
    public static Rules direct(BusinessHours hours) {
        return new Rules(hours, false, false, Timeouts.DEFAULTS);
    }

    public static Rules choreographed(BusinessHours hours, Timeouts timeouts) {
        return new Rules(hours, true, true, timeouts);
    }
}
