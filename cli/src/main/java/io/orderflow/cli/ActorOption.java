package io.orderflow.cli;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Role;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses {@code --as user:role}, e.g. {@code ann:support}. The role {@code system} is the order engine's own (it skips
 * business hours): the command line never claims it, and the engine refuses it from any principal but its own.
 */
final class ActorOption implements ITypeConverter<Actor> {
    static final String ROLES = "customer, support, warehouse, finance, admin";

    @Override
    public Actor convert(String value) {
        String[] parts = value.split(":", 2);
        if (parts.length != 2 || parts[0].isBlank()) {
            throw new TypeConversionException("'" + value + "' should be user:role, e.g. ann:support");
        }
        Role role;
        try {
            role = Role.valueOf(parts[1].toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + parts[1] + "' is not a role; roles: " + ROLES);
        }
        if (role == Role.SYSTEM) {
            throw new TypeConversionException("role system is reserved for the order engine; act as a person: " + ROLES);
        }
        return new Actor(parts[0], role);
    }
}
