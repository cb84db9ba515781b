package io.orderflow.cli;

import io.orderflow.schema.OrderState;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code orderflow counts}: how many orders are in each state (from orders.state-counts). */
@Command(name = "counts", mixinStandardHelpOptions = true, description = "Print the number of orders in each state.")
final class CountsCommand implements Callable<Integer> {
    private final OrderClient client;

    @Mixin
    TimeoutOption waiting;

    CountsCommand(OrderClient client) {
        this.client = client;
    }

    @Override
    public Integer call() throws OrderClient.NoAnswer {
        Map<String, Long> counts = client.stateCounts(waiting.timeout);
        for (OrderState state : OrderState.values()) {
            System.out.printf("%-10s %d%n", state.name().toLowerCase(), counts.getOrDefault(state.name(), 0L));
        }
        return 0;
    }
}
