package io.orderflow.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LatenciesAndTimelineTest {
    @Test
    void percentilesComeFromTheRecordedHops() {
        Latencies l = new Latencies();
        for (int ms = 1; ms <= 100; ms++) {
            l.recordNanos(ms * 1_000_000L);
        }
        Latencies.Summary s = l.summary();
        assertThat(s.count()).isEqualTo(100);
        assertThat(s.p50Ms()).isCloseTo(50, within(0.1));
        assertThat(s.p95Ms()).isCloseTo(95, within(0.1));
        assertThat(s.p99Ms()).isCloseTo(99, within(0.1));
        assertThat(s.maxMs()).isCloseTo(100, within(0.1));
    }

    @Test
    void noHopsIsNoFigureRatherThanZero() {
        assertThat(new Latencies().summary()).isNull();
    }

    @Test
    void aTimelineHasEverySecondIncludingTheQuietOnesAndItsRate() {
        long start = 1_000_000_000_000L;
        Timeline t = new Timeline(start);
        t.transitions(start + 100_000_000L, 10);
        t.transition(start + 2_500_000_000L);
        t.workerHop(start + 2_600_000_000L, 40_000_000L);

        List<Timeline.Point> points = t.points();

        assertThat(points).extracting(Timeline.Point::second).containsExactly(0, 1, 2);
        assertThat(points).extracting(Timeline.Point::transitions).containsExactly(10L, 0L, 1L);
        assertThat(points.get(2).workerP99Ms()).isCloseTo(40, within(0.5));
        assertThat(points.get(2).engineP99Ms()).isNull();
        assertThat(t.rate(0, 2)).isEqualTo(5.0);
        assertThat(t.rate(1, 3)).isEqualTo(0.5);
    }
}
