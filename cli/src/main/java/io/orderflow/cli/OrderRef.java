package io.orderflow.cli;

import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * How every command names an order: as its first argument ({@code orderflow show o-1}) or with {@code --order o-1};
 * both are accepted everywhere (orderflow, audit-admin, mail-admin), so neither habit is wrong.
 */
final class OrderRef {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "ORDER_ID", description = "The order (or --order ID)")
    String positional;

    @Option(names = "--order", paramLabel = "ORDER_ID", description = "The order (or as the first argument)")
    String option;

    /** The order named, if any; naming two different ones is a usage error. */
    Optional<String> orderId() {
        if (positional != null && option != null && !positional.equals(option)) {
            throw new ParameterException(spec.commandLine(),
                    "two orders named: '" + positional + "' and --order '" + option + "'; name one");
        }
        return Optional.ofNullable(positional != null ? positional : option);
    }

    String requiredOrderId() {
        return orderId().orElseThrow(() -> new ParameterException(spec.commandLine(),
                "which order? Name it as the first argument or with --order ORDER_ID"));
    }
}
