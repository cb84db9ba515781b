package io.orderflow.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** What happened in each second of a scenario: transitions seen and the latency of the hops that ended then. */
public final class Timeline {
    private final long startNanos;
    private final TreeMap<Integer, Bucket> buckets = new TreeMap<>();

    /** One second: its transitions and latency percentiles (null when no hop of that kind ended in it). */
    public record Point(int second, long transitions, Double engineP50Ms, Double engineP99Ms, Double workerP50Ms,
                        Double workerP99Ms) {
    }

    private static final class Bucket {
        long transitions;
        final Latencies engine = new Latencies(2);
        final Latencies worker = new Latencies(2);
    }

    public Timeline(long startNanos) {
        this.startNanos = startNanos;
    }

    public void transition(long atNanos) {
        transitions(atNanos, 1);
    }

    public void transitions(long atNanos, long count) {
        bucket(atNanos).transitions += count;
    }

    public void engineHop(long atNanos, long latencyNanos) {
        bucket(atNanos).engine.recordNanos(latencyNanos);
    }

    public void workerHop(long atNanos, long latencyNanos) {
        bucket(atNanos).worker.recordNanos(latencyNanos);
    }

    /** Transitions per second between {@code fromSecond} (inclusive) and {@code toSecond} (exclusive). */
    public double rate(int fromSecond, int toSecond) {
        long n = buckets.subMap(fromSecond, toSecond).values().stream().mapToLong(b -> b.transitions).sum();
        return toSecond > fromSecond ? (double) n / (toSecond - fromSecond) : 0;
    }

    /** Every second from the first to the last with anything in it, empty seconds included. */
    public List<Point> points() {
        List<Point> points = new ArrayList<>();
        if (buckets.isEmpty()) {
            return points;
        }
        for (int s = Math.min(0, buckets.firstKey()); s <= buckets.lastKey(); s++) {
            Bucket b = buckets.get(s);
            points.add(b == null ? new Point(s, 0, null, null, null, null) : new Point(s, b.transitions,
                    p(b.engine, 50), p(b.engine, 99), p(b.worker, 50), p(b.worker, 99)));
        }
        return points;
    }

    private static Double p(Latencies l, double percentile) {
        return l.count() == 0 ? null : l.percentileMs(percentile);
    }

    private Bucket bucket(long atNanos) {
        return buckets.computeIfAbsent((int) ((atNanos - startNanos) / 1_000_000_000L), s -> new Bucket());
    }
}
