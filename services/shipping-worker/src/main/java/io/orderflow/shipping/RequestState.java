package io.orderflow.shipping;

/** Where a label request stands: waiting for its next attempt, or answered for good. */
public enum RequestState {
    PENDING, SUCCEEDED, FAILED
}
