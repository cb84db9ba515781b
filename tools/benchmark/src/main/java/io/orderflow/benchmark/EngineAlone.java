package io.orderflow.benchmark;

import io.orderflow.common.config.Config;
import io.orderflow.loadtest.NotDone;
import io.orderflow.loadtest.Orders;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The engine alone (ORDERFLOW_ENGINE_MODE=direct, no workers): a burst of place commands, then confirm, pay, ship and
 * deliver for each order, all sent as fast as the client can; every transition is an engine hop.
 */
final class EngineAlone {
    private static final List<Transition> AFTER_PLACE =
            List.of(Transition.CONFIRM, Transition.PAY, Transition.SHIP, Transition.DELIVER);

    private EngineAlone() {
    }

    static Scenario measure(Config config, String idPrefix, int orders, Duration timeout) {
        ProcessCpu cpu = new ProcessCpu(Path.of(config.get("ORDERFLOW_RUN_DIR", "/tmp/orderflow")));
        Map<String, Integer> processes = cpu.processes();
        Random random = new Random(7);
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
            return new Scenario("engine", String.format("the engine alone (ORDERFLOW_ENGINE_MODE=direct, workers"
                    + " stopped): a burst of %,d place commands, then confirm, pay, ship, deliver each", orders),
                    run.transitions(), Baseline.round(seconds), seconds == 0 ? 0 : Baseline.round(run.transitions() / seconds),
                    null, null, run.latencySummaries(), used, Scenario.cpuMsPerTransition(used, run.transitions()),
                    null, null, null, run.outcomes(), run.timeline().points());
        }
    }
}
