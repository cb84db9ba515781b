package io.orderflow.cli;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Role;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses {@code --as user:role}, e.g. {@code ann:support}. */
final class ActorOption implements ITypeConverter<Actor> {
    @Override
    public Actor convert(String value) {
        String[] parts = value.split(":", 2);
        if (parts.length != 2 || parts[0].isBlank()) {
            throw new TypeConversionException("'" + value + "' should be user:role, e.g. ann:support");
        }
        try {
            return new Actor(parts[0], Role.valueOf(parts[1].toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + parts[1] + "' is not a role; roles: customer, support, warehouse,"
                    + " finance, admin, system");
        }
    }
}
