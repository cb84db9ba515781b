package io.orderflow.cli;

import io.orderflow.schema.Transition;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code orderflow <transition> ORDER_ID --as user:role} (or {@code --order ORDER_ID}): one subcommand per transition. */
@Command(mixinStandardHelpOptions = true, description = "Take this transition on one order and print the result.")
final class TransitionCommand implements Callable<Integer> {
    private final OrderClient client;
    private final Transition transition;

    @Mixin
    OrderRef order;

    @Mixin
    CommandOptions options;

    TransitionCommand(OrderClient client, Transition transition) {
        this.client = client;
        this.transition = transition;
    }

    @Override
    public Integer call() throws Exception {
        return options.send(client, options.command(order.requiredOrderId(), transition).build(), null);
    }
}
