package io.orderflow.cli;

import io.orderflow.schema.Actor;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.Transition;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import picocli.CommandLine.Option;

/** Options every command-sending subcommand shares, and how it sends and reports. */
final class CommandOptions {
    @Option(names = "--as", required = true, converter = ActorOption.class, paramLabel = "USER:ROLE",
            description = "Who acts, e.g. ann:support (roles: customer, support, warehouse, finance, admin, system)")
    Actor actor;

    @Option(names = "--reason", description = "Why; kept in the event and the audit log")
    String reason;

    @Option(names = "--expect-version", paramLabel = "N", description = "Refuse unless the order is at this version")
    Long expectedVersion;

    @Option(names = "--command-id", description = "Idempotency key (default: a new UUID); resend with the same id safely")
    String commandId;

    @Option(names = "--timeout", defaultValue = "15s", converter = DurationOption.class,
            description = "How long to wait for the result (default: ${DEFAULT-VALUE})")
    Duration timeout;

    OrderCommand.Builder command(String orderId, Transition transition) {
        return OrderCommand.newBuilder()
                .setCommandId(commandId != null ? commandId : UUID.randomUUID().toString())
                .setOrderId(orderId)
                .setTransition(transition)
                .setActor(actor)
                .setExpectedVersion(expectedVersion)
                .setReason(reason)
                .setCorrelationId(UUID.randomUUID().toString())
                .setIssuedAt(Instant.now());
    }

    /** Prints the result; exit code 0 when applied (or in flight), 2 when refused. */
    static int report(CommandResult result) {
        boolean refused = result.getStatus() == CommandStatus.REJECTED;
        String line = String.format("%s: %s", result.getStatus(), result.getMessage());
        if (refused) {
            System.err.println(line + " [" + result.getRejectionCode() + "]");
            return 2;
        }
        System.out.println(line);
        return 0;
    }
}
