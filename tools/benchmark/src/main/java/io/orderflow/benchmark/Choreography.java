package io.orderflow.benchmark;

import io.orderflow.common.config.Config;
import io.orderflow.loadtest.NotDone;
import io.orderflow.loadtest.Orders;
import io.orderflow.schema.OrderState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The whole choreography under a steady offered rate: places orders at {@code rate}/s for a while and lets the
 * automatic path take each to delivered (place, confirm, pay, ship, deliver: five state changes an order).
 */
final class Choreography {
    static final int TRANSITIONS_PER_ORDER = 5;
    private static final Predicate<OrderRun.Track> DONE = t -> t.state == OrderState.DELIVERED || t.rejected;

    /** One step of the rate search. */
    record Step(double rate, double offeredTransitionsPerS, double achievedTransitionsPerS, long refused,
                long rolledBack, boolean sustained) {
    }

    private final Config config;
    private final SystemProbe probe;
    private final int skus;

    Choreography(Config config, SystemProbe probe, int skus) {
        this.config = config;
        this.probe = probe;
        this.skus = skus;
    }

    /**
     * Offers {@code rate} orders/s for {@code seconds}; sustained when the transitions of the second half kept up with
     * five per order offered, and no order was refused or rolled back. Waits for the step's orders before returning,
     * so the next step starts on a drained system.
     */
    Step step(String idPrefix, double rate, int seconds, Duration drain) {
        try (OrderRun run = new OrderRun(config, idPrefix)) {
            offer(run, idPrefix, rate, seconds);
            double achieved = run.timeline().rate(seconds / 2, seconds);
            run.drain(DONE, Duration.ofSeconds(20), drain);
            long refused = run.outcomes().entrySet().stream().filter(e -> e.getKey().startsWith("rejected place"))
                    .mapToLong(Map.Entry::getValue).sum();
            long rolledBack = run.outcomes().getOrDefault("rolled_back", 0L);
            Step step = new Step(rate, rate * TRANSITIONS_PER_ORDER, Baseline.round(achieved), refused, rolledBack,
                    RateSearch.sustained(rate * TRANSITIONS_PER_ORDER, achieved, refused, rolledBack));
            System.out.printf("    %6.1f orders/s offered: %,.0f of %,.0f transitions/s in the second half, %d refused,"
                    + " %d rolled back: %s%n", rate, achieved, rate * TRANSITIONS_PER_ORDER, refused, rolledBack,
                    step.sustained() ? "sustained" : "NOT sustained");
            return step;
        }
    }

    /** A measured run at {@code rate} for {@code seconds}, waiting up to {@code drain} for its orders. */
    Scenario measure(String name, String description, String idPrefix, double rate, int seconds, Duration drain)
            throws InterruptedException {
        ProcessCpu cpu = new ProcessCpu(Path.of(config.get("ORDERFLOW_RUN_DIR", "/tmp/orderflow")));
        Map<String, Integer> processes = cpu.processes();
        try (OrderRun run = new OrderRun(config, idPrefix)) {
            Map<String, Double> before = cpu.seconds(processes);
            Instant started = Instant.now();
            System.out.printf("==> %s: %.1f orders/s for %d s%n", name, rate, seconds);
            offer(run, idPrefix, rate, seconds);
            run.drain(DONE, Duration.ofSeconds(30), drain);
            Map<String, Double> used = ProcessCpu.delta(before, cpu.seconds(processes));
            NotDone.lines(run.notDone(DONE)).forEach(l -> System.out.println("    " + l));
            double elapsed = run.seconds();
            double perSecond = elapsed == 0 ? 0 : run.transitions() / elapsed;
            System.out.printf("    %,d of %,d orders delivered, %,d transitions in %.1f s: %,.0f transitions/s%n",
                    run.count(t -> t.state == OrderState.DELIVERED), run.count(t -> true), run.transitions(), elapsed,
                    perSecond);
            return new Scenario(name, description, run.transitions(), Baseline.round(elapsed),
                    Baseline.round(perSecond), rate, null, run.latencySummaries(), used,
                    Scenario.cpuMsPerTransition(used, run.transitions()), probe.mailsPerSecond(idPrefix, started),
                    probe.consumerLag(), probe.backlog(), run.outcomes(), run.timeline().points());
        }
    }

    private void offer(OrderRun run, String idPrefix, double rate, int seconds) {
        Random random = new Random(idPrefix.hashCode());
        long total = Math.round(rate * seconds);
        long start = System.nanoTime();
        long placed = 0;
        long lastReport = start;
        while (placed < total) {
            long due = Math.min(total, (long) ((System.nanoTime() - start) / 1e9 * rate) + 1);
            for (; placed < due; placed++) {
                run.send(Orders.place(idPrefix + placed, skus, random));
            }
            run.poll(Duration.ofMillis(5));
            if (System.nanoTime() - lastReport > 5_000_000_000L) {
                lastReport = System.nanoTime();
                System.out.printf("    %4.0f s: placed %,d, delivered %,d%n", (lastReport - start) / 1e9, placed,
                        run.count(t -> t.state == OrderState.DELIVERED));
            }
        }
        run.flush();
    }
}
