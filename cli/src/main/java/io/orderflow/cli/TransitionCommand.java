package io.orderflow.cli;

import io.orderflow.schema.Transition;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code orderflow <transition> ORDER_ID --as user:role}: one subcommand per transition of the table. */
@Command(mixinStandardHelpOptions = true, description = "Take this transition on one order and print the result.")
final class TransitionCommand implements Callable<Integer> {
    private final OrderClient client;
    private final Transition transition;

    @Parameters(index = "0", paramLabel = "ORDER_ID")
    String orderId;

    @Mixin
    CommandOptions options;

    TransitionCommand(OrderClient client, Transition transition) {
        this.client = client;
        this.transition = transition;
    }

    @Override
    public Integer call() throws Exception {
        return CommandOptions.report(client.send(options.command(orderId, transition).build(), options.timeout));
    }
}
