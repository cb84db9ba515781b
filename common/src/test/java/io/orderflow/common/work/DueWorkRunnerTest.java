package io.orderflow.common.work;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.common.db.Database;
import io.orderflow.common.testing.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DueWorkRunnerTest {
    private static final Duration LONG_POLL = Duration.ofMinutes(5);

    private final List<DueWorkRunner<?>> runners = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TestDatabase schema;
    private Database db;

    @BeforeEach
    void setUp() {
        schema = TestDatabase.create();
        db = schema.open("classpath:db/testing/work");
    }

    @AfterEach
    void tearDown() {
        runners.forEach(DueWorkRunner::close);
        schema.close();
    }

    @Test
    void manyThreadsPerformEveryItemExactlyOnceAndCountTheAttempt() {
        for (int i = 0; i < 200; i++) {
            insert("w-" + i);
        }
        start(new Items(db, Duration.ofMinutes(1), item -> { }), 4, 7, Duration.ofMillis(100));

        await().atMost(Duration.ofSeconds(60)).until(() -> count("status = 'done'") == 200);
        assertThat(count("cardinality(performed_by) = 1")).isEqualTo(200);
        assertThat(count("attempts = 1")).isEqualTo(200);
        // Four threads shared the work: no item was performed by two of them.
        assertThat(registry.get("orderflow.work.items").tag("outcome", "performed").counter().count()).isEqualTo(200);
    }

    @Test
    void newWorkIsPerformedOnNotifyWithoutWaitingForThePoll() {
        start(new Items(db, Duration.ofMinutes(1), item -> { }), 1, 10, LONG_POLL);
        await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> true);

        insert("w-notified");

        await().atMost(Duration.ofSeconds(20)).until(() -> count("status = 'done'") == 1);
    }

    @Test
    void anItemWhosePerformerFailedIsReclaimedWhenItsLeaseRunsOutWithItsAttemptCounted() {
        Set<String> failedOnce = ConcurrentHashMap.newKeySet();
        insert("w-crash");
        insert("w-fine");
        start(new Items(db, Duration.ofSeconds(2), item -> {
            if (item.equals("w-crash") && failedOnce.add(item)) {
                throw new IllegalStateException("performer died");
            }
        }), 1, 10, Duration.ofMillis(200));

        await().atMost(Duration.ofSeconds(30)).until(() -> count("status = 'done'") == 2);
        assertThat(attempts("w-crash")).isEqualTo(2);
        assertThat(attempts("w-fine")).isEqualTo(1);
        assertThat(registry.get("orderflow.work.items").tag("outcome", "failed").counter().count()).isEqualTo(1);
    }

    @Test
    void failingClaimsBackOffAndTheRunnerRecoversWhenTheDatabaseIsBack() {
        insert("w-1");
        Items items = new Items(db, Duration.ofMinutes(1), item -> { });
        items.failClaims = 3;
        start(items, 1, 10, Duration.ofMillis(100));

        await().atMost(Duration.ofSeconds(30)).until(() -> count("status = 'done'") == 1);
        assertThat(items.claims).isGreaterThanOrEqualTo(4);
        // Backoff 50, 100, 200 ms between the failed claims: some 350 ms passed before the one that worked (sleeps
        // are cut at whole milliseconds, hence the slack).
        assertThat(items.firstSuccessfulClaimNanos - items.firstClaimNanos)
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
    }

    @Test
    void closeFinishesTheItemInHandAndGivesBackTheRestOfTheBatch() throws Exception {
        for (int i = 0; i < 5; i++) {
            insert("w-" + i);
        }
        CountDownLatch inHand = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Items items = new Items(db, Duration.ofMinutes(10), item -> {
            inHand.countDown();
            await().atMost(Duration.ofSeconds(30)).until(() -> release.getCount() == 0);
        });
        DueWorkRunner<String> runner = start(items, 1, 5, LONG_POLL);
        assertThat(inHand.await(30, TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(runner::close);
        closer.start();
        await().pollDelay(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> true);
        release.countDown();
        closer.join(30_000);

        assertThat(closer.isAlive()).isFalse();
        assertThat(runner.isRunning()).isFalse();
        assertThat(count("status = 'done'")).isEqualTo(1);
        // The four not started are due again at once, their attempt not counted.
        assertThat(count("status = 'pending' and attempts = 0 and next_attempt_at <= now()")).isEqualTo(4);
    }

    @Test
    void anIdleRunnerLooksOncePerPollIntervalNotOncePerThread() {
        Items items = new Items(db, Duration.ofMinutes(1), item -> { });
        start(items, 4, 10, Duration.ofMillis(200));

        await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> true);

        // Each thread looks once at start, then only the first every 200 ms: ~14 claims in 2 s, where four polling
        // threads would make ~44.
        assertThat(items.claims).isLessThan(25);
    }

    @Test
    void theQueueRecordsEachBatchsPerformedItemsAtOnce() {
        for (int i = 0; i < 6; i++) {
            insert("w-" + i);
        }
        insert("w-bad");
        Items items = new Items(db, Duration.ofMinutes(10), item -> {
            if (item.equals("w-bad")) {
                throw new IllegalStateException("cannot");
            }
        });
        start(items, 1, 4, LONG_POLL);

        await().atMost(Duration.ofSeconds(30)).until(() -> count("status = 'done'") == 6);
        await().atMost(Duration.ofSeconds(5)).until(() -> items.performedBatches.stream().mapToInt(List::size).sum() == 6);
        // Two batches (4 + 3 claimed), each reported once with what completed; the failed item in neither.
        assertThat(items.performedBatches).hasSize(2);
        assertThat(items.performedBatches.stream().flatMap(List::stream))
                .containsExactlyInAnyOrder("w-0", "w-1", "w-2", "w-3", "w-4", "w-5");
        assertThat(registry.get("orderflow.work.items").tag("outcome", "performed").counter().count()).isEqualTo(6);
        assertThat(registry.get("orderflow.work.items").tag("outcome", "failed").counter().count()).isEqualTo(1);
    }

    private DueWorkRunner<String> start(Items items, int threads, int batchSize, Duration poll) {
        DueWorkRunner<String> runner = DueWorkRunner.builder("test-work", items)
                .threads(threads)
                .batchSize(batchSize)
                .pollInterval(poll)
                .backoff(Duration.ofMillis(50), Duration.ofSeconds(1))
                .wakeOnNotify(db, "work_items")
                .registry(registry)
                .start();
        runners.add(runner);
        return runner;
    }

    private void insert(String id) {
        db.jdbi().useHandle(h -> h.execute("insert into work_items (id) values (?)", id));
    }

    private long count(String condition) {
        return db.jdbi().withHandle(h -> h.createQuery("select count(*) from work_items where " + condition)
                .mapTo(Long.class).one());
    }

    private int attempts(String id) {
        return db.jdbi().withHandle(h -> h.createQuery("select attempts from work_items where id = :id")
                .bind("id", id).mapTo(Integer.class).one());
    }

    /** The work_items table as a queue: a claim leases a batch, performing marks an item done. */
    private static final class Items implements DueWorkRunner.Queue<String> {
        private final Database db;
        private final Duration lease;
        private final Consumer<String> work;
        volatile int failClaims;
        volatile int claims;
        volatile long firstClaimNanos;
        volatile long firstSuccessfulClaimNanos;
        final List<List<String>> performedBatches = new CopyOnWriteArrayList<>();

        Items(Database db, Duration lease, Consumer<String> work) {
            this.db = db;
            this.lease = lease;
            this.work = work;
        }

        @Override
        public List<String> claim(int limit) {
            if (claims++ == 0) {
                firstClaimNanos = System.nanoTime();
            }
            if (failClaims > 0) {
                failClaims--;
                throw new IllegalStateException("database away");
            }
            if (firstSuccessfulClaimNanos == 0) {
                firstSuccessfulClaimNanos = System.nanoTime();
            }
            return db.jdbi().inTransaction(h -> h.createQuery("""
                            with due as (select id from work_items
                                         where status = 'pending' and next_attempt_at <= now()
                                         order by next_attempt_at, id limit :limit for update skip locked)
                            update work_items w set attempts = w.attempts + 1,
                                                    next_attempt_at = now() + :leaseMillis * interval '1 millisecond'
                            from due where w.id = due.id
                            returning w.id""")
                    .bind("limit", limit)
                    .bind("leaseMillis", lease.toMillis())
                    .mapTo(String.class)
                    .list());
        }

        @Override
        public void perform(String item) {
            work.accept(item);
            db.jdbi().useHandle(h -> h.execute("""
                    update work_items set status = 'done', performed_by = array_append(performed_by, ?)
                    where id = ?""", Thread.currentThread().getName(), item));
        }

        @Override
        public void performed(List<String> items) {
            performedBatches.add(List.copyOf(items));
        }

        @Override
        public void release(String item) {
            db.jdbi().useHandle(h -> h.execute("""
                    update work_items set attempts = attempts - 1, next_attempt_at = now() where id = ?""", item));
        }
    }
}
