package io.orderflow.benchmark;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One benchmark run as written to docs/benchmarks/: where and when it ran, the rate search, the scenarios with their
 * ratio to the baseline, and the invariant checks.
 */
public record RunReport(String commit, String date, String command, Machine machine, Double sustainableOrdersPerS,
                        List<Choreography.Step> rateSearch, List<Scenario> scenarios, Checks checks, String chart) {

    public record Machine(int nproc, long memoryMb, String java, String os) {
    }

    public record Checks(boolean passed, List<String> violations) {
    }

    /** The one JSON mapper: snake_case fields, nulls left out, indented. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** The scenarios with {@code ratio_to_baseline} filled in from the one named "baseline". */
    static List<Scenario> withRatios(List<Scenario> scenarios) {
        Double baseline = scenarios.stream().filter(s -> s.name().equals("baseline")).findFirst()
                .map(Scenario::transitionsPerS).filter(r -> r > 0).orElse(null);
        List<Scenario> result = new ArrayList<>();
        for (Scenario s : scenarios) {
            result.add(baseline == null ? s : s.withRatioToBaseline(Math.round(s.transitionsPerS() / baseline * 10_000) / 10_000.0));
        }
        return result;
    }

    /** The side-by-side table, as printed at the end of a run and pasted into docs/benchmarks.md. */
    String table() {
        StringBuilder t = new StringBuilder();
        t.append("| scenario | transitions/s | × baseline | engine hop p50 / p95 / p99 / max ms"
                + " | worker step p50 / p95 / p99 / max ms | CPU ms per transition | mails/s |\n");
        t.append("|---|---|---|---|---|---|---|\n");
        for (Scenario s : scenarios) {
            t.append(String.format(Locale.ROOT, "| %s | %,.0f | %s | %s | %s | %s | %s |%n", s.name(), s.transitionsPerS(),
                    s.ratioToBaseline() == null ? "—" : String.format(Locale.ROOT, "%.3f", s.ratioToBaseline()),
                    latency(s, "engine"), latency(s, "worker"),
                    s.cpuMsPerTransition() == null ? "—" : String.format(Locale.ROOT, "%.2f", s.cpuMsPerTransition()),
                    s.mailsPerS() == null ? "—" : String.format(Locale.ROOT, "%.1f", s.mailsPerS())));
        }
        return t.toString();
    }

    /** CPU seconds per process (columns in name order), one row per scenario. */
    String cpuTable() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        scenarios.forEach(s -> names.addAll(s.cpuSeconds().keySet()));
        StringBuilder t = new StringBuilder("| CPU seconds | " + String.join(" | ", names) + " |\n|---|");
        names.forEach(n -> t.append("---|"));
        t.append('\n');
        for (Scenario s : scenarios) {
            t.append("| ").append(s.name()).append(" |");
            names.forEach(n -> t.append(' ').append(s.cpuSeconds().containsKey(n)
                    ? String.format(Locale.ROOT, "%.1f", s.cpuSeconds().get(n)) : "—").append(" |"));
            t.append('\n');
        }
        return t.toString();
    }

    /** Lag per consumer group and backlog per queue at the end of each scenario that has them. */
    Map<String, String> queuesAtEnd() {
        Map<String, String> lines = new LinkedHashMap<>();
        for (Scenario s : scenarios) {
            if (s.consumerLagAtEnd() != null) {
                lines.put(s.name(), "lag " + s.consumerLagAtEnd() + ", backlog " + s.backlogAtEnd());
            }
        }
        return lines;
    }

    private static String latency(Scenario s, String kind) {
        Latencies.Summary l = s.latencyMs() == null ? null : s.latencyMs().get(kind);
        return l == null ? "—" : String.format(Locale.ROOT, "%s / %s / %s / %s", ms(l.p50Ms()), ms(l.p95Ms()),
                ms(l.p99Ms()), ms(l.maxMs()));
    }

    private static String ms(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }
}
