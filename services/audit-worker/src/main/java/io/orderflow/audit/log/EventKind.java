package io.orderflow.audit.log;

/** What an audit row records: one of the three kinds of order event, or a worker's outcome. */
public enum EventKind {
    STATE_CHANGED,
    EFFECT_REQUESTED,
    TRANSITION_UPDATE,
    EFFECT_OUTCOME
}
