package io.orderflow.domain;

import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.util.Optional;
import java.util.Set;

/**
 * One row of the transition table.
 *
 * @param from          states it may start from (empty for PLACE, which creates the order)
 * @param roles         roles allowed to take it
 * @param businessHours whether a person may take it only in business hours
 * @param effect        the outside effect that must succeed before the order moves, if any
 * @param inverse       the transition that undoes it; empty for the irreversible ones
 * @param followUp      an effect requested once it is applied (release, deduct or restore stock)
 * @param next          the transition the system takes next on the automatic path
 */
public record TransitionRule(
        Transition transition,
        Set<OrderState> from,
        OrderState to,
        Set<Role> roles,
        boolean businessHours,
        Optional<Effect> effect,
        Optional<Transition> inverse,
        Optional<Effect> followUp,
        Optional<Transition> next) {

    public boolean allows(Role role) {
        return roles.contains(role);
    }

    public boolean startsFrom(OrderState state) {
        return from.contains(state);
    }
}
