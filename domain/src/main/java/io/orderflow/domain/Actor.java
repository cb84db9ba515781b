package io.orderflow.domain;

import io.orderflow.schema.Role;

/** Who takes a transition: a person (user id and role) or a system component (role SYSTEM). */
public record Actor(String userId, Role role) {
    public static Actor system(String component) {
        return new Actor(component, Role.SYSTEM);
    }

    @Override
    public String toString() {
        return userId + " (" + role.name().toLowerCase() + ")";
    }
}
