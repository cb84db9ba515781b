package io.orderflow.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessCpuTest {
    @Test
    void parsesStatLinesWhoseCommandHoldsSpacesAndParentheses() {
        ProcessCpu.ProcStat s = ProcessCpu.ProcStat.parse(
                "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1234 567 89 10 20 0 40 0 12345 0 0");
        assertThat(s).isEqualTo(new ProcessCpu.ProcStat(4242, 1, 1234, 567, 89, 10));
    }

    @Test
    void aProcessCountsItsLiveDescendantsAndReapedChildrenButNotItsParent() {
        List<ProcessCpu.ProcStat> all = List.of(
                new ProcessCpu.ProcStat(1, 0, 999, 999, 0, 0),
                new ProcessCpu.ProcStat(100, 1, 100, 50, 30, 20),   // postmaster, with reaped backends
                new ProcessCpu.ProcStat(101, 100, 200, 100, 0, 0),  // a backend
                new ProcessCpu.ProcStat(102, 101, 10, 0, 0, 0),     // its child
                new ProcessCpu.ProcStat(200, 1, 300, 100, 0, 0));   // a service

        Map<String, Double> seconds = ProcessCpu.seconds(Map.of("postgresql", 100, "engine", 200, "gone", 300), all);

        assertThat(seconds).containsEntry("postgresql", 5.1).containsEntry("engine", 4.0).doesNotContainKey("gone");
        assertThat(ProcessCpu.delta(Map.of("engine", 1.0), Map.of("engine", 4.0, "postgresql", 5.1)))
                .containsEntry("engine", 3.0).containsEntry("postgresql", 5.1);
    }

    @Test
    void cpuPerTransitionLeavesTheLoadClientOut() {
        assertThat(Scenario.cpuMsPerTransition(Map.of("engine", 2.0, "kafka", 1.0, ProcessCpu.CLIENT, 5.0), 1_000))
                .isEqualTo(3.0);
        assertThat(Scenario.cpuMsPerTransition(Map.of("engine", 2.0), 0)).isNull();
    }
}
