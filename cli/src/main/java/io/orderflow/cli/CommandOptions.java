package io.orderflow.cli;

import io.orderflow.domain.Command;
import io.orderflow.domain.OrderDetails;
import io.orderflow.domain.validation.CommandValidation;
import io.orderflow.domain.validation.Problem;
import io.orderflow.schema.Actor;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.Transition;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every command-sending subcommand shares, and how it checks, sends and reports. */
final class CommandOptions {
    @Option(names = "--as", required = true, converter = ActorOption.class, paramLabel = "USER:ROLE",
            description = "Who acts, e.g. ann:support (roles: customer, support, warehouse, finance, admin)")
    Actor actor;

    @Option(names = "--reason", description = "Why; kept in the event and the audit log")
    String reason;

    @Option(names = "--expect-version", paramLabel = "N", description = "Refuse unless the order is at this version")
    Long expectedVersion;

    @Option(names = "--command-id", description = "Idempotency key (default: a new UUID); resend with the same id safely")
    String commandId;

    @Mixin
    TimeoutOption waiting;

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

    /**
     * Checks the command against the input rules the engine applies (so a careless one is refused here, with every
     * problem named, and never sent), sends it, and prints the answer.
     *
     * @param details what a place orders, as the engine will read it; null for other transitions
     * @return the exit code ({@link ExitCodes})
     */
    int send(OrderClient client, OrderCommand command, OrderDetails details) throws OrderClient.NoAnswer {
        List<Problem> problems = CommandValidation.problems(new Command(command.getCommandId(), command.getOrderId(),
                command.getTransition(), expectedVersion == null ? OptionalLong.empty() : OptionalLong.of(expectedVersion),
                reason, details));
        if (!problems.isEmpty()) {
            System.err.println("REJECTED (not sent): " + problems.stream().map(Problem::message)
                    .collect(Collectors.joining("; ")) + " [INVALID_COMMAND]");
            return ExitCodes.REFUSED;
        }
        return report(client.send(command, waiting.timeout));
    }

    /**
     * Prints the result: exit 0 when applied or in flight, 2 when refused. A repeated command id answers as the first
     * time did, exit code included: a DUPLICATE carries the first answer's rejection code when it was refused.
     */
    static int report(CommandResult result) {
        boolean refused = result.getStatus() == CommandStatus.REJECTED
                || (result.getStatus() == CommandStatus.DUPLICATE && result.getRejectionCode() != null);
        String line = String.format("%s: %s", result.getStatus(), result.getMessage());
        if (refused) {
            System.err.println(line + " [" + result.getRejectionCode() + "]");
            return ExitCodes.REFUSED;
        }
        System.out.println(line);
        return ExitCodes.OK;
    }
}
