package io.orderflow.domain;

import io.orderflow.schema.Transition;
import io.orderflow.schema.UpdateStatus;

/** News about an order that is not a state change (the version stays): a rollback, a hold, a flag. */
public record OrderUpdate(Transition transition, UpdateStatus status, String reason) {}
