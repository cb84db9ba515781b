package io.orderflow.benchmark;

import java.util.List;
import java.util.Map;

/**
 * The figures of one scenario, as written to the run's JSON (snake_case). Latencies by kind of hop: {@code engine}
 * (a command to its event, the engine alone), {@code worker} (a state change to the next one through an effect
 * worker: confirm, pay, ship), {@code carrier_delivery} (shipped to delivered: the sandbox carrier's fixed delay), and
 * per transition. Null where a figure does not apply.
 *
 * @param name                  short and stable, for scripts: baseline, engine, choreography-max, choreography-half
 * @param offeredOrdersPerS     the rate the client placed orders at (choreography only)
 * @param cpuSeconds            per process, over the scenario
 * @param cpuMsPerTransition    all measured processes but the client, per transition
 * @param ratioToBaseline       transitions/s over the baseline's records/s
 */
public record Scenario(String name, String description, long transitions, double seconds, double transitionsPerS,
                       Double offeredOrdersPerS, Double ratioToBaseline, Map<String, Latencies.Summary> latencyMs,
                       Map<String, Double> cpuSeconds, Double cpuMsPerTransition, Double mailsPerS,
                       Map<String, Long> consumerLagAtEnd, Map<String, Long> backlogAtEnd, Map<String, Long> outcomes,
                       List<Timeline.Point> timeline) {

    public Scenario withRatioToBaseline(Double ratio) {
        return new Scenario(name, description, transitions, seconds, transitionsPerS, offeredOrdersPerS, ratio,
                latencyMs, cpuSeconds, cpuMsPerTransition, mailsPerS, consumerLagAtEnd, backlogAtEnd, outcomes, timeline);
    }

    /** Milliseconds of CPU per transition over every process but the load client; null without transitions. */
    static Double cpuMsPerTransition(Map<String, Double> cpuSeconds, long transitions) {
        if (transitions == 0) {
            return null;
        }
        double system = cpuSeconds.entrySet().stream().filter(e -> !e.getKey().equals(ProcessCpu.CLIENT))
                .mapToDouble(Map.Entry::getValue).sum();
        return Math.round(system * 1000 / transitions * 1000) / 1000.0;
    }
}
