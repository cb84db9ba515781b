package io.orderflow.common.work;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.app.Backoff;
import io.orderflow.common.app.Pause;
import io.orderflow.common.db.Database;
import io.orderflow.common.logging.LogContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a queue of due work kept in a database table: {@code threads} threads each claim a batch of due items, perform
 * them one by one, and look again at once after a full batch (waking an idle thread to help). An idle thread waits
 * until it is woken (by {@link #wake()}, or by a NOTIFY of the table's {@code due_work_notify} trigger from any
 * process); only the first also looks when the poll interval passes (for work that became due by the clock), so an
 * idle runner costs one claim per interval, not one per thread. A failing claim backs off. {@link #close()} lets each thread finish the item in hand and gives back
 * the rest of its batch.
 *
 * <p>The queue decides what "due" means and claims with a lease: in one short transaction it picks due rows
 * {@code for update skip locked} (threads and processes never wait on each other), counts the attempt and moves the
 * rows' next attempt one lease ahead, so an item whose performer dies becomes due again once the lease runs out.
 * Performing happens outside that transaction (an outside call never holds a lock), and records how the item ended.
 *
 * <p>Why not db-scheduler: it keeps its own {@code scheduled_tasks} table with one task instance per row, so the
 * workers' tables (payments performed one at a time per order, mail with its own retry and dead states) would have
 * to be copied into it; claiming straight from those tables keeps one row per item and the queries that need them.
 */
public final class DueWorkRunner<T> implements AutoCloseable {
    /** The channel {@code due_work_notify()} notifies, with {@code <schema>.<table>} as payload. */
    public static final String CHANNEL = "orderflow_due_work";

    private static final Logger log = LoggerFactory.getLogger(DueWorkRunner.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final Duration LISTEN_SLICE = Duration.ofMillis(250);
    /** How long an idle thread other than the first waits when nothing wakes it (a safety net, not a poll). */
    private static final Duration HELPER_IDLE_WAIT = Duration.ofMinutes(1);

    /** A table of due work, as one worker sees it. */
    public interface Queue<T> {
        /** Claims up to {@code limit} due items (lease and attempt recorded), oldest due first; empty if none. */
        List<T> claim(int limit);

        /**
         * Performs one claimed item and records how it ended. Throwing leaves it claimed: it is tried again once its
         * lease runs out.
         */
        void perform(T item) throws Exception;

        /** The order an item belongs to, put in the log context while it is performed; null if none. */
        default String orderId(T item) {
            return null;
        }

        /** Gives back an item claimed but not performed because the runner is closing. By default it waits out its lease. */
        default void release(T item) {
        }

        /**
         * Called after each batch with the items {@link #perform} completed, so a queue can record their ends in one
         * statement rather than one transaction each (by default {@code perform} recorded them). Throwing leaves them
         * claimed: they are performed again once their lease runs out, so this suits at-least-once work only.
         */
        default void performed(List<T> items) {
        }
    }

    private final String name;
    private final Queue<T> queue;
    private final Settings settings;
    private final Database database;
    private final List<Thread> threads = new ArrayList<>();
    private final Object signal = new Object();
    private final Counter performed;
    private final Counter failed;
    private long wakeups;
    private volatile boolean closing;
    private Thread listener;

    private DueWorkRunner(String name, Queue<T> queue, Settings settings, Database database) {
        this.name = name;
        this.queue = queue;
        this.settings = settings;
        this.database = database;
        performed = counter(settings.registry(), "performed");
        failed = counter(settings.registry(), "failed");
    }

    /** A runner for {@code queue}; {@code name} names its threads and metrics, e.g. {@code "payments"}. */
    public static <T> Builder<T> builder(String name, Queue<T> queue) {
        return new Builder<>(name, queue);
    }

    /**
     * New work may be due: an idle thread looks now rather than at its next poll. One, not all: if it finds a full
     * batch it wakes another, so helpers join as far as the work goes and a trickle costs one claim, not one per thread.
     */
    public void wake() {
        synchronized (signal) {
            wakeups++;
            signal.notify();
        }
    }

    public boolean isRunning() {
        return !closing && threads.stream().allMatch(Thread::isAlive)
                && (listener == null || listener.isAlive());
    }

    /** Lets each thread finish the item in hand and give back the rest of its batch, then stops. */
    @Override
    public void close() {
        closing = true;
        synchronized (signal) {
            wakeups++;
            signal.notifyAll();
        }
        List<Thread> all = new ArrayList<>(threads);
        if (listener != null) {
            all.add(listener);
        }
        for (Thread thread : all) {
            if (!Pause.awaitExit(thread, settings.closeTimeout())) {
                log.warn("{} did not stop in time; what it claimed is taken over when the lease runs out",
                        thread.getName());
            }
        }
        settings.registry().remove(performed);
        settings.registry().remove(failed);
    }

    private void start() {
        int instance = INSTANCES.incrementAndGet();
        for (int i = 1; i <= settings.threads(); i++) {
            Duration idleWait = i == 1 ? settings.pollInterval() : HELPER_IDLE_WAIT;
            Thread thread = new Thread(() -> run(idleWait), name + "-" + instance + "-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
        if (settings.table() != null) {
            listener = new Thread(this::listen, name + "-" + instance + "-listener");
            listener.setDaemon(true);
            listener.start();
        }
        threads.forEach(Thread::start);
    }

    private void run(Duration idleWait) {
        int failures = 0;  // claims failed in a row
        while (!closing) {
            long seen;
            synchronized (signal) {
                seen = wakeups;
            }
            List<T> batch;
            try {
                batch = queue.claim(settings.batchSize());
                failures = 0;
            } catch (RuntimeException e) {
                // Typically the database is away. What was claimed stays claimed until its lease ends.
                Duration wait = settings.backoff().after(++failures);
                log.warn("{}: claiming failed ({}); trying again in {} ms", name, e.toString(), wait.toMillis());
                pause(wait);
                continue;
            }
            if (batch.size() == settings.batchSize()) {
                wake();  // probably more is due: an idle thread helps
            }
            performAll(batch);
            if (batch.size() < settings.batchSize()) {
                await(seen, idleWait);
            }
        }
    }

    private void performAll(List<T> batch) {
        List<T> done = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            if (closing) {
                releaseAll(batch.subList(i, batch.size()));
                break;
            }
            T item = batch.get(i);
            try (LogContext ignored = LogContext.order(queue.orderId(item))) {
                queue.perform(item);
                done.add(item);
            } catch (Exception e) {
                failed.increment();
                log.error("{}: performing {} failed; it is tried again when its lease runs out", name, item, e);
            }
        }
        if (done.isEmpty()) {
            return;
        }
        try {
            queue.performed(done);
            performed.increment(done.size());
        } catch (RuntimeException e) {
            failed.increment(done.size());
            log.error("{}: recording {} performed items failed; they are performed again when their lease runs out",
                    name, done.size(), e);
        }
    }

    private void releaseAll(List<T> items) {
        for (T item : items) {
            try {
                queue.release(item);
            } catch (RuntimeException e) {
                log.debug("{}: giving back {} failed ({}); it waits out its lease", name, item, e.toString());
            }
        }
    }

    /** LISTENs for the table's NOTIFYs on a connection of its own and wakes the threads; reconnects after a failure. */
    private void listen() {
        String payload = database.schema() + "." + settings.table();
        int failures = 0;
        while (!closing) {
            try (Connection connection = database.openDedicatedConnection("orderflow-due-work:" + payload)) {
                try (Statement s = connection.createStatement()) {
                    s.execute("listen " + CHANNEL);
                }
                failures = 0;
                wake();  // whatever committed while nobody listened
                PGConnection pg = connection.unwrap(PGConnection.class);
                while (!closing) {
                    PGNotification[] notifications = pg.getNotifications((int) LISTEN_SLICE.toMillis());
                    if (notifications != null) {
                        for (PGNotification n : notifications) {
                            if (payload.equals(n.getParameter())) {
                                wake();
                                break;
                            }
                        }
                    }
                }
            } catch (SQLException e) {
                Duration wait = settings.backoff().after(++failures);
                log.warn("{}: listening for new work failed ({}); polling meanwhile, listening again in {} ms", name,
                        e.toString(), wait.toMillis());
                pause(wait);
            }
        }
    }

    private void await(long seen, Duration timeout) {
        synchronized (signal) {
            if (closing || wakeups != seen) {
                return;
            }
            try {
                signal.wait(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closing = true;
            }
        }
    }

    private void pause(Duration duration) {
        if (!Pause.sleep(duration, LISTEN_SLICE, () -> closing)) {
            closing = true;  // interrupted: stop as if closed
        }
    }

    private Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("orderflow.work.items").tag("queue", name).tag("outcome", outcome)
                .description("due work items performed, by outcome").register(registry);
    }

    private record Settings(int threads, int batchSize, Duration pollInterval, Backoff backoff, String table,
                            Duration closeTimeout, MeterRegistry registry) {}

    /** A runner's threads, batch size and waits; the defaults suit a local run. */
    public static final class Builder<T> {
        private final String name;
        private final Queue<T> queue;
        private int threads = 1;
        private int batchSize = 20;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration minBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private Database database;
        private String table;
        private Duration closeTimeout = Duration.ofSeconds(60);
        private MeterRegistry registry = Metrics.globalRegistry;

        private Builder(String name, Queue<T> queue) {
            this.name = Objects.requireNonNull(name, "name");
            this.queue = Objects.requireNonNull(queue, "queue");
        }

        public Builder<T> threads(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a runner needs at least one thread");
            }
            this.threads = count;
            return this;
        }

        /** Items claimed at once by one thread. */
        public Builder<T> batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batch size must be at least 1");
            }
            this.batchSize = size;
            return this;
        }

        /** How long the first thread, when idle, waits for a wake-up before it looks anyway (the others only wait). */
        public Builder<T> pollInterval(Duration interval) {
            this.pollInterval = interval;
            return this;
        }

        /** Waits after failed claims: doubling from {@code min} up to {@code max}. */
        public Builder<T> backoff(Duration min, Duration max) {
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        /** Wake on the {@code due_work_notify} trigger of {@code table} in {@code database}'s schema. */
        public Builder<T> wakeOnNotify(Database db, String tableName) {
            this.database = Objects.requireNonNull(db, "database");
            this.table = Objects.requireNonNull(tableName, "table");
            return this;
        }

        /** How long {@link #close()} waits for each thread (the item in hand must fit: outside calls' timeouts). */
        public Builder<T> closeTimeout(Duration timeout) {
            this.closeTimeout = timeout;
            return this;
        }

        public Builder<T> registry(MeterRegistry meterRegistry) {
            this.registry = meterRegistry;
            return this;
        }

        public DueWorkRunner<T> start() {
            DueWorkRunner<T> runner = new DueWorkRunner<>(name, queue, new Settings(threads, batchSize, pollInterval,
                    new Backoff(minBackoff, maxBackoff), table, closeTimeout, registry), database);
            runner.start();
            return runner;
        }
    }
}
