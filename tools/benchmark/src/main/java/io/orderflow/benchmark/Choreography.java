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
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The whole choreography under a steady offered rate: places orders at {@code rate}/s for a while and lets the
 * automatic path take each to delivered (place, confirm, pay, ship, deliver: five state changes an order).
 */
final class Choreography {
    static final int TRANSITIONS_PER_ORDER = 5;
    private static final Predicate<OrderRun.Track> DONE = t -> t.state == OrderState.DELIVERED || t.rejected;

    /** One step of the rate search, judged over its window (from a third of the step to its end). */
    record Step(double rate, double offeredTransitionsPerS, double achievedTransitionsPerS, int windowSeconds,
                long inFlightAtWindowStart, long inFlightAtEnd, long refused, long rolledBack, boolean sustained) {
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
     * Offers {@code rate} orders/s for {@code seconds} and judges the window from a third of the step to its end (the
     * first third fills the pipeline: an order takes seconds to delivered, the carrier alone ~3 s): sustained when the
     * state changes in the window kept up with five per order offered, the orders in flight did not pile up, and no
     * order was refused or rolled back ({@link RateSearch#sustained}). Waits for the step's orders before returning,
     * so the next step starts on a drained system.
     */
    Step step(String idPrefix, double rate, int seconds, Duration drain) {
        try (OrderRun run = new OrderRun(config, idPrefix)) {
            int from = seconds / 3;
            long[] inFlight = {-1, -1};
            offer(run, idPrefix, rate, seconds, (second, orders) -> {
                if (second >= from && inFlight[0] < 0) {
                    inFlight[0] = orders;
                }
            });
            inFlight[1] = run.count(t -> !DONE.test(t));
            double achieved = run.timeline().rate(from, seconds);
            run.drain(DONE, Duration.ofSeconds(20), drain);
            long refused = run.outcomes().entrySet().stream().filter(e -> e.getKey().startsWith("rejected place"))
                    .mapToLong(Map.Entry::getValue).sum();
            long rolledBack = run.outcomes().getOrDefault("rolled_back", 0L);
            int window = seconds - from;
            Step step = new Step(rate, rate * TRANSITIONS_PER_ORDER, Baseline.round(achieved), window, inFlight[0],
                    inFlight[1], refused, rolledBack,
                    RateSearch.sustained(rate, achieved, window, inFlight[1] - inFlight[0], refused, rolledBack));
            System.out.printf("    %6.1f orders/s offered: %,.0f of %,.0f transitions/s in the last %d s, in flight"
                    + " %,d -> %,d, %d refused, %d rolled back: %s%n", rate, achieved, rate * TRANSITIONS_PER_ORDER,
                    window, inFlight[0], inFlight[1], refused, rolledBack,
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
            offer(run, idPrefix, rate, seconds, (second, inFlight) -> { });
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

    /** Places {@code rate} orders/s for {@code seconds}; tells {@code eachSecond} the orders in flight as each second starts. */
    private void offer(OrderRun run, String idPrefix, double rate, int seconds, BiConsumer<Integer, Long> eachSecond) {
        Random random = new Random(idPrefix.hashCode());
        long total = Math.round(rate * seconds);
        long start = System.nanoTime();
        long placed = 0;
        long lastReport = start;
        int second = -1;
        while (placed < total) {
            int now = (int) ((System.nanoTime() - start) / 1_000_000_000L);
            if (now > second) {
                second = now;
                eachSecond.accept(second, run.count(t -> !DONE.test(t)));
            }
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
