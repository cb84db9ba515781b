package io.orderflow.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orderflow stuck}: orders in flight or held longer than a threshold, and orders flagged for a person, with the
 * reason and what to do. Read from orders.events, so it works whatever else is running (the admin UI need not be).
 */
@Command(name = "stuck", mixinStandardHelpOptions = true,
        description = "List orders in flight or held longer than --older-than, and orders flagged for a person, "
                + "with the reason and what to do.")
final class StuckCommand implements Callable<Integer> {
    private final OrderClient client;

    @Option(names = "--older-than", defaultValue = "15m", converter = DurationOption.class,
            description = "How long in flight or held counts as stuck (default: ${DEFAULT-VALUE})")
    Duration threshold;

    @Mixin
    TimeoutOption waiting;

    StuckCommand(OrderClient client) {
        this.client = client;
    }

    @Override
    public Integer call() throws OrderClient.NoAnswer {
        StuckOrders orders = new StuckOrders();
        client.everyEvent(waiting.timeout, orders::accept);
        List<StuckOrders.Stuck> stuck = orders.stuck(Instant.now(), threshold);
        if (stuck.isEmpty()) {
            System.out.println("no order is flagged, or in flight or held for longer than "
                    + (threshold.toSeconds() < 120 ? threshold.toSeconds() + " s" : threshold.toMinutes() + " min"));
            return ExitCodes.OK;
        }
        for (StuckOrders.Stuck s : stuck) {
            System.out.printf("order %s (%s) since %s: %s%n  what to do: %s%n", s.orderId(), s.state(), s.since(),
                    s.why(), s.whatToDo());
        }
        return ExitCodes.OK;
    }
}
