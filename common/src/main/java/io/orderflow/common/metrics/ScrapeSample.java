package io.orderflow.common.metrics;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A value too costly for the hot path (a count over a table, a broker's offsets), read for the gauges that show it
 * when they are scraped: at most once per {@code maxAge}, on a background thread, so a scrape never waits on a slow or
 * unreachable database or broker. {@link #latest()} returns the last value read, or null before the first read and
 * after a failed one (gauges then show NaN rather than an old figure).
 */
public final class ScrapeSample<T> {
    private static final Logger log = LoggerFactory.getLogger(ScrapeSample.class);
    private static final ExecutorService READER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "metrics-sampler");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final Callable<T> read;
    private final long maxAgeNanos;
    private final AtomicBoolean reading = new AtomicBoolean();
    private volatile T value;
    private volatile long readAtNanos;
    private volatile boolean everRead;

    public ScrapeSample(String name, Duration maxAge, Callable<T> read) {
        this.name = name;
        this.read = read;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The last value read (null if none or the last read failed); starts a new read when it is older than maxAge. */
    public T latest() {
        if ((!everRead || System.nanoTime() - readAtNanos > maxAgeNanos) && reading.compareAndSet(false, true)) {
            READER.execute(this::refresh);
        }
        return value;
    }

    private void refresh() {
        try {
            value = read.call();
        } catch (Exception e) {
            value = null;
            log.debug("metrics sample {} not read: {}", name, e.toString());
        } finally {
            readAtNanos = System.nanoTime();
            everRead = true;
            reading.set(false);
        }
    }
}
