package io.orderflow.benchmark;

import io.orderflow.common.config.Config;
import io.orderflow.loadtest.NotDone;
import io.orderflow.loadtest.Orders;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The engine alone (ORDERFLOW_ENGINE_MODE=direct, no workers), measured the way the baseline is. Throughput: a burst
 * of place commands, then confirm, pay, ship and deliver for each order, all sent as fast as the client can (the
 * client never waits for an answer); every transition is an engine hop, and their latency in the burst is queueing
 * ({@code engine_burst}). Latency ({@code engine}): commands at a paced rate, as the baseline's records, each sent at
 * once (no linger), the first seconds dropped.
 */
final class EngineAlone {
    private static final List<Transition> AFTER_PLACE =
            List.of(Transition.CONFIRM, Transition.PAY, Transition.SHIP, Transition.DELIVER);

    private EngineAlone() {
    }

    static Scenario measure(Config config, String idPrefix, int orders, int latencyRate, int latencySeconds,
                            int warmupSeconds, Duration timeout) {
        ProcessCpu cpu = new ProcessCpu(Path.of(config.get("ORDERFLOW_RUN_DIR", "/tmp/orderflow")));
        Map<String, Integer> processes = cpu.processes();
        Random random = new Random(7);
        Map<String, Latencies.Summary> latencies = new LinkedHashMap<>();
        Scenario burst;
        try (OrderRun run = new OrderRun(config, idPrefix)) {
            Map<String, Double> before = cpu.seconds(processes);
            System.out.printf("==> engine alone: %,d place commands, then %,d more transitions%n", orders, 4L * orders);
            for (int i = 0; i < orders; i++) {
                run.send(Orders.place(idPrefix + i, 300, random));
                if (i % 1_000 == 0) {
                    run.poll(Duration.ZERO);
                }
            }
            for (int i = 0; i < orders; i++) {
                for (Transition t : AFTER_PLACE) {
                    run.send(Orders.by(idPrefix + i, t));
                }
                if (i % 1_000 == 0) {
                    run.poll(Duration.ZERO);
                }
            }
            run.flush();
            run.drain(t -> t.state == OrderState.DELIVERED || t.rejected, Duration.ofSeconds(30), timeout);
            Map<String, Double> used = ProcessCpu.delta(before, cpu.seconds(processes));
            NotDone.lines(run.notDone(t -> t.state == OrderState.DELIVERED)).forEach(l -> System.out.println("    " + l));
            double seconds = run.seconds();
            System.out.printf("    %,d transitions in %.1f s: %,.0f transitions/s%n", run.transitions(), seconds,
                    seconds == 0 ? 0 : run.transitions() / seconds);
            Latencies.Summary queued = run.latencySummaries().get("engine");
            if (queued != null) {
                latencies.put("engine_burst", queued);
            }
            burst = new Scenario("engine", String.format("the engine alone (ORDERFLOW_ENGINE_MODE=direct, workers"
                    + " stopped): a burst of %,d place commands, then confirm, pay, ship, deliver each; latency at"
                    + " %,d commands/s", orders, latencyRate), run.transitions(), Baseline.round(seconds),
                    seconds == 0 ? 0 : Baseline.round(run.transitions() / seconds), null, null, latencies, used,
                    Scenario.cpuMsPerTransition(used, run.transitions()), null, null, null, run.outcomes(),
                    run.timeline().points());
        }
        if (latencySeconds > warmupSeconds) {
            System.out.printf("==> engine latency: %,d commands/s for %d s (first %d s dropped)%n", latencyRate,
                    latencySeconds, warmupSeconds);
            try (OrderRun warmup = new OrderRun(config, idPrefix + "w")) {
                paced(warmup, latencyRate, warmupSeconds, random);
            }
            try (OrderRun run = new OrderRun(config, idPrefix + "l")) {
                paced(run, latencyRate, latencySeconds - warmupSeconds, random);
                Latencies.Summary engine = run.latencySummaries().get("engine");
                if (engine != null) {
                    latencies.put("engine", engine);
                }
            }
        }
        return burst;
    }

    /**
     * Commands at {@code rate}/s for {@code seconds}: place, confirm, pay, ship, deliver of one order after another,
     * each flushed at once; then waits for their events.
     */
    private static void paced(OrderRun run, int rate, int seconds, Random random) {
        long start = System.nanoTime();
        long total = (long) rate * seconds / 5 * 5; // whole orders, so each can reach delivered
        long sent = 0;
        while (sent < total) {
            long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
            if (sent < due) {
                for (; sent < due; sent++) {
                    run.send(command(run.idPrefix() + sent / 5, (int) (sent % 5), random));
                }
                run.flush();
            }
            run.poll(Duration.ofMillis(1));
        }
        run.drain(t -> t.state == OrderState.DELIVERED || t.rejected, Duration.ofSeconds(10), Duration.ofSeconds(60));
    }

    private static OrderCommand command(String orderId, int step, Random random) {
        return step == 0 ? Orders.place(orderId, 300, random) : Orders.by(orderId, AFTER_PLACE.get(step - 1));
    }
}
