package io.orderflow.cli;

import io.orderflow.common.config.Config;
import io.orderflow.schema.Transition;
import io.orderflow.domain.TransitionRule;
import io.orderflow.domain.TransitionTable;
import io.orderflow.schema.Role;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code orderflow}: drive Orderflow by hand. One subcommand per transition, plus place, show and counts; for
 * operators, dlt (dead letters) and stuck.
 */
@Command(name = "orderflow", mixinStandardHelpOptions = true, version = "orderflow 0.1.0",
        description = "Place orders, take transitions, and look at orders on a running Orderflow.",
        subcommands = {PlaceCommand.class, ShowCommand.class, CountsCommand.class, BulkCommand.class,
                DltCommand.class, StuckCommand.class, CommandLine.HelpCommand.class})
public final class OrderflowCli {

    public static void main(String[] args) {
        int exitCode;
        try (OrderClient client = new OrderClient(Config.fromEnvironment())) {
            exitCode = commandLine(client).execute(args);
        }
        System.exit(exitCode);
    }

    static CommandLine commandLine(OrderClient client) {
        CommandLine cli = new CommandLine(new OrderflowCli(), new ClientFactory(client));
        Arrays.stream(Transition.values())
                .filter(t -> t != Transition.PLACE)
                .forEach(t -> {
                    CommandLine sub = new CommandLine(new TransitionCommand(client, t), new ClientFactory(client));
                    sub.getCommandSpec().usageMessage().description(describe(TransitionTable.rule(t)));
                    cli.addSubcommand(t.name().toLowerCase(Locale.ROOT), sub);
                });
        // One line for every failure, never a stack trace: usage errors and refused input exit 2, no answer 3.
        cli.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println(e.getMessage());
            e.getCommandLine().getErr().println("See '" + e.getCommandLine().getCommandSpec().qualifiedName()
                    + " --help'.");
            return ExitCodes.REFUSED;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            commandLine.getErr().println(e instanceof OrderClient.NoAnswer ? e.getMessage()
                    : "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            return ExitCodes.NO_ANSWER;
        });
        return cli;
    }

    /** "confirm: pending -> confirmed (support, admin)", from the transition table itself. */
    private static String describe(TransitionRule rule) {
        String from = rule.from().stream().map(OrderflowCli::name).sorted().collect(Collectors.joining(", "));
        String roles = rule.roles().stream().filter(r -> r != Role.SYSTEM).map(OrderflowCli::name).sorted()
                .collect(Collectors.joining(", "));
        return name(rule.transition()) + " an order: " + from + " -> " + name(rule.to()) + " (" + roles + ")";
    }

    private static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    /** Gives subcommands the shared client. */
    private record ClientFactory(OrderClient client) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            try {
                return type.getDeclaredConstructor(OrderClient.class).newInstance(client);
            } catch (NoSuchMethodException e) {
                return CommandLine.defaultFactory().create(type);
            }
        }
    }
}
