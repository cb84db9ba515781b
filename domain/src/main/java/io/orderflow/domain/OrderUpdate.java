package io.orderflow.domain;

import io.orderflow.schema.Transition;
import io.orderflow.schema.UpdateStatus;

/**
 * News about an order that is not a state change (the version stays): a rollback, a hold, a flag. {@code requestId}
 * is the in-flight request it concerns, if any.
 */
public record OrderUpdate(Transition transition, UpdateStatus status, String reason, String requestId) {}
