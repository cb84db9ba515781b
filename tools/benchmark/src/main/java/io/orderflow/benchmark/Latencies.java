package io.orderflow.benchmark;

import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** Latencies of one kind of hop, in an HdrHistogram (microseconds, up to an hour, 3 significant digits). */
public final class Latencies {
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);
    private final Histogram histogram;

    public Latencies() {
        this(3);
    }

    Latencies(int significantDigits) {
        histogram = new Histogram(MAX_MICROS, significantDigits);
    }

    /** p50, p95, p99 and max in milliseconds, over {@code count} hops. */
    public record Summary(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs) {
    }

    public void recordNanos(long nanos) {
        histogram.recordValue(Math.max(0, Math.min(MAX_MICROS, nanos / 1_000)));
    }

    public long count() {
        return histogram.getTotalCount();
    }

    /** Null when nothing was recorded: no figure rather than a made-up zero. */
    public Summary summary() {
        if (histogram.getTotalCount() == 0) {
            return null;
        }
        return new Summary(histogram.getTotalCount(), ms(histogram.getValueAtPercentile(50)),
                ms(histogram.getValueAtPercentile(95)), ms(histogram.getValueAtPercentile(99)),
                ms(histogram.getMaxValue()));
    }

    double percentileMs(double percentile) {
        return ms(histogram.getValueAtPercentile(percentile));
    }

    private static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}
