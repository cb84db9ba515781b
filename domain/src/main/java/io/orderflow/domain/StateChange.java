package io.orderflow.domain;

import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;

/**
 * An applied transition: {@code from} is null for PLACE; {@code version} is the order's version after it;
 * {@code actor} is who asked for it (a person, or the system component that took it).
 */
public record StateChange(Transition transition, OrderState from, OrderState to, long version, String reason,
                          Actor actor) {}
