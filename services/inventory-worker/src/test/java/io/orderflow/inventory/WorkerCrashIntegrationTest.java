package io.orderflow.inventory;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.common.testing.EffectRequests.requestId;
import static io.orderflow.common.testing.EffectRequests.requestIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OutcomeStatus;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A worker process killed with SIGKILL while requests stream in (no shutdown hook, no offset commit, a batch
 * transaction open) and a new instance started: every request is answered, and each one's effect on stock happened
 * exactly once.
 */
class WorkerCrashIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static final int ORDERS = 300;
    private static final int STOCK = 300;

    private static Testbed bed;
    private Process process;

    @BeforeAll
    static void start() {
        bed = new Testbed(kafka, schema);
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @AfterEach
    void killProcess() {
        if (process != null) {
            process.destroyForcibly();
        }
    }

    @Test
    void aWorkerKilledMidBatchAndRestartedLosesNothingAndDuplicatesNothing() throws Exception {
        String a = bed.newSku("A", STOCK);
        String b = bed.newSku("B", STOCK);
        Config config = bed.workerConfig().with("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS", "10");
        process = startWorkerProcess(config);
        await("the worker process joined its group").atMost(Duration.ofSeconds(60)).until(this::groupHasMembers);

        // Reserves (stock runs out before the orders do), and a cancel after every fifth order.
        List<OrderEvent> events = new ArrayList<>();
        Map<String, List<Line>> ordered = new HashMap<>();
        Set<String> cancelled = new HashSet<>();
        for (int i = 0; i < ORDERS; i++) {
            String order = newOrderId("crash");
            List<Line> lines = i % 2 == 0 ? List.of(new Line(a, 2)) : List.of(new Line(a, 1), new Line(b, 3));
            ordered.put(order, lines);
            events.add(Requests.reserve(order, requestId(order), lines));
            if (i % 5 == 4) {
                cancelled.add(order);
                events.add(Requests.release(order, requestId(order), null));
            }
        }
        Thread sender = new Thread(() -> {
            for (OrderEvent event : events) {
                bed.send(event);
                sleep(4);
            }
        }, "request-sender");
        sender.start();

        // Kill it while it is inside a batch: some answers committed, a worker transaction open.
        await("the worker answered some requests and is in a transaction").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(1))
                .until(() -> answered() >= 60 && workerInTransaction());
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        long answeredAtKill = answered();
        assertThat(answeredAtKill).as("killed before the end").isLessThan(events.size());
        // The dead member would hold its partitions until its session times out (45 s); ops can drop it at once.
        try {
            kafka.admin().removeMembersFromConsumerGroup(bed.group(), new RemoveMembersFromConsumerGroupOptions()).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            System.out.println("could not drop the dead member (" + e.getCause() + "); the restart waits for its timeout");
        }
        sender.join();

        bed.startWorker(config);

        await("every request answered").atMost(Duration.ofSeconds(120)).until(() -> unanswered(events).isEmpty());
        assertThat(answered()).isEqualTo(events.size());
        // Kafka's view and the database's agree, and every request has one answer (maybe published twice).
        Map<String, Integer> held = new HashMap<>(Map.of(a, 0, b, 0));
        int duplicates = 0;
        int refused = 0;
        for (OrderEvent event : events) {
            List<EffectOutcome> answers = bed.outcomes().answers(event.getOrderId(), requestIdOf(event));
            assertThat(answers.stream().map(EffectOutcome::getOutcomeId).distinct()).hasSize(1);
            duplicates += answers.size() - 1;
            EffectOutcome answer = answers.get(0);
            if (((EffectRequested) event.getBody()).getEffect() != Effect.RESERVE_STOCK) {
                assertThat(answer.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
            } else if (answer.getStatus() == OutcomeStatus.FAILED) {
                refused++;
            } else if (!cancelled.contains(event.getOrderId())) {
                ordered.get(event.getOrderId()).forEach(l -> held.merge(l.sku(), l.quantity(), Integer::sum));
            }
        }
        System.out.println("killed after " + answeredAtKill + " of " + events.size() + " answers; "
                + duplicates + " answers published twice");
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, STOCK, held.get(a)));
        assertThat(bed.level(b)).isEqualTo(new StockLevel(b, STOCK, held.get(b)));
        assertThat(refused).as("stock ran out during the run").isPositive();
        assertThat(bed.discrepancies()).isEmpty();
        assertThat(bed.count("select count(*) from reservations where status = 'released'"))
                .isEqualTo(bed.count("select count(*) from reservations r where r.order_id in ("
                        + String.join(",", cancelled.stream().map(o -> "'" + o + "'").toList()) + ")"));
    }

    private Process startWorkerProcess(Config config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                WorkerProcessMain.class.getName());
        builder.environment().remove("ORDERFLOW_METRICS_PORT");   // no second process on a system's metrics port
        builder.environment().put(Database.SCHEMA_SETTING, schema.schema());
        builder.environment().put("ORDERFLOW_INVENTORY_GROUP", bed.group());
        builder.environment().put(StockSeed.SETTING, StockSeed.NONE);
        builder.environment().put("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS",
                config.get("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS", "500"));
        File log = new File("target/crashed-worker.log");
        builder.redirectErrorStream(true).redirectOutput(log);
        return builder.start();
    }

    private boolean groupHasMembers() throws Exception {
        var group = kafka.admin().describeConsumerGroups(List.of(bed.group())).all().get(10, TimeUnit.SECONDS)
                .get(bed.group());
        return !group.members().isEmpty() && group.members().stream()
                .allMatch(m -> !m.assignment().topicPartitions().isEmpty());
    }

    private long answered() {
        return bed.count("select count(*) from answered_requests");
    }

    /** True while one of the worker's pooled connections (not the relay's, not ours) is inside a transaction. */
    private boolean workerInTransaction() {
        return bed.count("select count(*) from pg_stat_activity where application_name = 'orderflow-"
                + schema.schema() + "' and xact_start is not null and pid <> pg_backend_pid()") > 0;
    }

    private List<OrderEvent> unanswered(List<OrderEvent> events) {
        return events.stream()
                .filter(e -> bed.outcomes().answers(e.getOrderId(), requestIdOf(e)).isEmpty())
                .toList();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
