package io.orderflow.inventory;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.common.testing.EffectRequests.requestId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.common.config.Config;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OutcomeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many orders from several producer threads against two worker instances over a few scarce SKUs: stock is never
 * oversold, reserved stock always equals the active reservations, and the workers never deadlock.
 */
class ConcurrentReservationIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static final int SKUS = 3;
    private static final int STOCK = 100;
    private static final int ORDERS = 200;
    private static final int THREADS = 4;

    private static final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    private static Testbed bed;

    @BeforeAll
    static void start() {
        Metrics.addRegistry(metrics);
        bed = new Testbed(kafka, schema);
    }

    @AfterAll
    static void stop() {
        bed.close();
        Metrics.removeRegistry(metrics);
    }

    @Test
    void concurrentReservationsNeverOversellAndKeepReservedEqualToActiveReservations() throws Exception {
        long seed = Long.getLong("orderflow.seed", System.nanoTime());
        System.out.println("ConcurrentReservationIntegrationTest seed " + seed + " (rerun with -Dorderflow.seed=" + seed + ")");
        Random random = new Random(seed);
        List<String> skus = new ArrayList<>();
        for (int i = 0; i < SKUS; i++) {
            skus.add(bed.newSku("HOT" + i, STOCK));
        }
        // Small batches: many short transactions from both instances interleave on the same SKU rows.
        Config config = bed.workerConfig().with("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS", "25");
        bed.startWorker(config);
        bed.startWorker(config);
        awaitGroupOfTwo();

        Map<String, OrderEvent> reserves = new ConcurrentHashMap<>();
        for (int i = 0; i < ORDERS; i++) {
            String order = newOrderId("hot");
            reserves.put(order, Requests.reserve(order, requestId(order), randomLines(random, skus)));
        }
        AtomicBoolean running = new AtomicBoolean(true);
        List<String> violations = new ArrayList<>();
        Thread checker = invariantChecker(running, violations);

        sendConcurrently(new ArrayList<>(reserves.values()));
        Map<String, EffectOutcome> firstRound = awaitAnswers(reserves.values());

        // Round two, all at once: cancel half of the successful orders while 100 new orders compete for the stock.
        List<String> succeeded = firstRound.entrySet().stream()
                .filter(e -> e.getValue().getStatus() == OutcomeStatus.SUCCEEDED).map(Map.Entry::getKey).sorted().toList();
        assertThat(succeeded).as("some orders get stock").isNotEmpty();
        assertThat(firstRound.values()).as("some orders find it sold out")
                .anyMatch(o -> o.getStatus() == OutcomeStatus.FAILED);
        List<OrderEvent> roundTwo = new ArrayList<>();
        Map<String, OrderEvent> releases = new HashMap<>();
        for (String order : succeeded.subList(0, succeeded.size() / 2)) {
            OrderEvent release = Requests.release(order, requestId(order), null);
            releases.put(order, release);
            roundTwo.add(release);
        }
        Map<String, OrderEvent> lateReserves = new HashMap<>();
        for (int i = 0; i < ORDERS / 2; i++) {
            String order = newOrderId("late");
            OrderEvent reserve = Requests.reserve(order, requestId(order), randomLines(random, skus));
            lateReserves.put(order, reserve);
            roundTwo.add(reserve);
        }
        Collections.shuffle(roundTwo, random);
        sendConcurrently(roundTwo);
        Map<String, EffectOutcome> releaseAnswers = awaitAnswers(releases.values());
        Map<String, EffectOutcome> lateAnswers = awaitAnswers(lateReserves.values());
        running.set(false);
        checker.join();

        assertThat(releaseAnswers.values()).allMatch(o -> o.getStatus() == OutcomeStatus.SUCCEEDED);
        // What the outcomes on Kafka say is held must be exactly what the database holds.
        Map<String, Integer> held = new HashMap<>();
        skus.forEach(sku -> held.put(sku, 0));
        Map<String, OrderEvent> allReserves = new HashMap<>(reserves);
        allReserves.putAll(lateReserves);
        Map<String, EffectOutcome> allAnswers = new HashMap<>(firstRound);
        allAnswers.putAll(lateAnswers);
        allAnswers.forEach((order, outcome) -> {
            boolean holds = outcome.getStatus() == OutcomeStatus.SUCCEEDED && !releases.containsKey(order);
            if (holds) {
                allReserves.get(order).getOrder().getDetails().getLines()
                        .forEach(l -> held.merge(l.getSku(), l.getQuantity(), Integer::sum));
            } else if (outcome.getStatus() == OutcomeStatus.FAILED) {
                assertThat(outcome.getShortages()).as("a refusal names what was short").isNotEmpty();
                assertThat(bed.reservations(order, Inventory.ACTIVE)).as("a refused order holds nothing").isEmpty();
            }
        });
        for (String sku : skus) {
            StockLevel level = bed.level(sku);
            assertThat(level.onHand()).isEqualTo(STOCK);
            assertThat(level.reserved()).as(sku).isEqualTo(held.get(sku));
            assertThat(level.available()).isGreaterThanOrEqualTo(0);
        }
        assertThat(bed.discrepancies()).isEmpty();
        assertThat(violations).as("invariant violations seen while running").isEmpty();

        // Exactly one answer per request, and no request answered twice in different ways.
        long requests = ORDERS + releases.size() + lateReserves.size();
        assertThat(bed.count("select count(*) from answered_requests")).isEqualTo(requests);
        for (OrderEvent event : allReserves.values()) {
            String request = ((EffectRequested) event.getBody()).getRequestId();
            assertThat(bed.outcomes().answers(event.getOrderId(), request).stream()
                    .map(EffectOutcome::getOutcomeId).distinct()).hasSize(1);
        }
        // Deadlock-free: no batch of either instance was ever rolled back and retried.
        Counter retries = metrics.find("orderflow.consumer.batch.retries").tag("group", bed.group()).counter();
        assertThat(retries).isNotNull();
        assertThat(retries.count()).as("batches retried (deadlocks, serialization failures)").isZero();
    }

    private static List<Line> randomLines(Random random, List<String> skus) {
        List<String> shuffled = new ArrayList<>(skus);
        Collections.shuffle(shuffled, random);
        int count = 1 + random.nextInt(2);
        List<Line> lines = new ArrayList<>();
        for (String sku : shuffled.subList(0, count)) {
            lines.add(new Line(sku, 1 + random.nextInt(3)));
        }
        return lines;
    }

    private static void sendConcurrently(List<OrderEvent> events) throws Exception {
        ExecutorService senders = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int slice = t;
                sent.add(senders.submit(() -> {
                    for (int i = slice; i < events.size(); i += THREADS) {
                        bed.send(events.get(i));
                    }
                }));
            }
            for (Future<?> f : sent) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
    }

    /** The first answer to each request, by order id. */
    private static Map<String, EffectOutcome> awaitAnswers(Collection<OrderEvent> events) {
        Map<String, EffectOutcome> answers = new HashMap<>();
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            for (OrderEvent event : events) {
                String request = ((EffectRequested) event.getBody()).getRequestId();
                List<EffectOutcome> found = bed.outcomes().answers(event.getOrderId(), request);
                if (!found.isEmpty()) {
                    answers.put(event.getOrderId(), found.get(0));
                }
            }
            return answers.size() == events.size();
        });
        return answers;
    }

    /** Checks the invariants on committed data, over and over, while the workers run. */
    private static Thread invariantChecker(AtomicBoolean running, List<String> violations) {
        Thread checker = new Thread(() -> {
            while (running.get()) {
                List<Discrepancy> broken = bed.discrepancies();
                long negative = bed.count("select count(*) from stock where on_hand - reserved < 0 or reserved < 0");
                synchronized (violations) {
                    broken.forEach(d -> violations.add(d.toString()));
                    if (negative > 0) {
                        violations.add(negative + " SKUs with negative stock");
                    }
                }
            }
        }, "invariant-checker");
        checker.setDaemon(true);
        checker.start();
        return checker;
    }

    private static void awaitGroupOfTwo() {
        await("both instances in the group").atMost(Duration.ofSeconds(60)).until(() -> {
            var description = kafka.admin().describeConsumerGroups(List.of(bed.group())).all()
                    .get(10, TimeUnit.SECONDS).get(bed.group());
            return description.members().size() == 2
                    && description.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
        });
    }
}
