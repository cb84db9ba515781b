package io.orderflow.audit.finance;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link RefundSla} check on a schedule: logs every overdue refund and keeps their number in the gauge
 * {@value #GAUGE}, which alerts watch. Time comes from the injected clock, so tests move it instead of waiting.
 */
public final class RefundSlaMonitor implements AutoCloseable {
    public static final String GAUGE = "orderflow.finance.refunds.unposted";

    private static final Logger log = LoggerFactory.getLogger(RefundSlaMonitor.class);
    private static final int LOGGED_PER_CHECK = 50;

    private final Jdbi jdbi;
    private final Clock clock;
    private final Duration deadline;
    private final AtomicLong unposted = new AtomicLong();
    private final MeterRegistry registry;
    private final Gauge gauge;
    private final ScheduledExecutorService scheduler;

    private RefundSlaMonitor(Jdbi jdbi, Clock clock, Duration deadline, MeterRegistry registry) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.deadline = deadline;
        this.registry = registry;
        this.gauge = Gauge.builder(GAUGE, unposted, AtomicLong::get)
                .description("refunds requested longer ago than the refund deadline and not posted to the ledger")
                .register(registry);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "refund-sla");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Checks every {@code interval}, the first time right away. */
    public static RefundSlaMonitor start(Jdbi jdbi, Clock clock, Duration deadline, Duration interval,
                                         MeterRegistry registry) {
        RefundSlaMonitor monitor = new RefundSlaMonitor(jdbi, clock, deadline, registry);
        monitor.scheduler.scheduleWithFixedDelay(monitor::checkQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return monitor;
    }

    /** Runs the check now: updates the gauge, logs what is overdue, and returns it. */
    public synchronized List<RefundSla.OverdueRefund> check() {
        Instant now = clock.instant();
        List<RefundSla.OverdueRefund> overdue = jdbi.withHandle(h -> RefundSla.overdue(h, now, deadline));
        unposted.set(overdue.size());
        if (!overdue.isEmpty()) {
            log.warn("{} refund(s) not posted to the finance ledger within {}", overdue.size(),
                    RefundSla.format(deadline));
            overdue.stream().limit(LOGGED_PER_CHECK).forEach(r -> log.warn("  {}", r.describe(now)));
            if (overdue.size() > LOGGED_PER_CHECK) {
                log.warn("  ... and {} more (scripts/audit-admin sla lists them all)",
                        overdue.size() - LOGGED_PER_CHECK);
            }
        }
        return overdue;
    }

    public Duration deadline() {
        return deadline;
    }

    /** The gauge's current value: overdue refunds at the last check. */
    public long unposted() {
        return unposted.get();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        registry.remove(gauge);
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // A failed check must not end the schedule; the gauge keeps its last value until the next one works.
            log.warn("refund SLA check failed: {}", e.toString());
        }
    }
}
