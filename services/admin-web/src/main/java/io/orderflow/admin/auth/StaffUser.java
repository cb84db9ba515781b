package io.orderflow.admin.auth;

import io.orderflow.domain.Actor;
import io.orderflow.schema.Role;

/** A signed-in person (or the owner of an API token): the actor every command of theirs carries. */
public record StaffUser(String username, Role role) {
    public Actor actor() {
        return new Actor(username, role);
    }

    public boolean isAdmin() {
        return role == Role.ADMIN;
    }

    public String roleName() {
        return role.name().toLowerCase(java.util.Locale.ROOT);
    }
}
