package io.orderflow.audit;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderflow.audit.log.AuditLog;
import io.orderflow.audit.log.AuditRow;
import io.orderflow.common.config.Config;
import io.orderflow.common.testing.MutableClock;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine;

/**
 * One test's audit worker on the real broker and database: its own topics (so no other test's or run's records), its
 * own schema and consumer groups, a clock the test moves, and a meter registry the test reads.
 */
final class AuditTestbed implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(60);

    final TestKafka kafka;
    final TestDatabase schema;
    final AuditTopics topics;
    final String group = TestKafka.uniqueGroup("audit-test");
    final MutableClock clock = new MutableClock(Messages.T0);
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    /** Connections in the test schema, independent of any worker's pool. */
    final Jdbi jdbi;
    private AuditWorker worker;
    private final List<AuditWorker> others = new ArrayList<>();

    AuditTestbed(TestKafka kafka) {
        this.kafka = kafka;
        this.schema = TestDatabase.create();
        this.topics = new AuditTopics(kafka.createTopic(Topics.ORDER_EVENTS),
                Topics.REQUESTS.stream().map(kafka::createTopic).toList(), kafka.createTopic(Topics.INVENTORY_EVENTS), kafka.createTopic(Topics.PAYMENT_EVENTS),
                kafka.createTopic(Topics.SHIPPING_EVENTS), kafka.createTopic(Topics.FINANCE_LEDGER));
        this.jdbi = AuditAdmin.connect(schema.config());
    }

    Config config() {
        return schema.config()
                .with(AuditWorker.GROUP_SETTING, group)
                // Tests run the check themselves, at the times they choose.
                .with(AuditWorker.SLA_CHECK_INTERVAL_SETTING, "1h")
                .with("ORDERFLOW_OUTBOX_POLL_INTERVAL", "1s");
    }

    AuditWorker start() {
        worker = AuditWorker.start(config(), clock, registry, topics);
        return worker;
    }

    /** One more instance on the same schema and groups, as a second process would be; stopped with the first. */
    AuditWorker startAnother() {
        AuditWorker another = AuditWorker.start(config(), clock, new SimpleMeterRegistry(), topics);
        others.add(another);
        return another;
    }

    AuditWorker worker() {
        return worker;
    }

    void stop() {
        others.forEach(AuditWorker::close);
        others.clear();
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    /** Every record some consumer gave up on, across the dead-letter topics of the consumed topics. */
    long deadLetters() {
        long count = 0;
        for (var topic : topics.engineTopics()) {
            count += kafka.readAll(topic.deadLetterTopic()).size();
        }
        for (var topic : topics.outcomeTopics()) {
            count += kafka.readAll(topic.deadLetterTopic()).size();
        }
        return count;
    }

    /** Back to the start of every topic, as if the worker had never committed an offset. Needs it stopped. */
    void rewindConsumers() {
        await().atMost(WAIT).ignoreExceptions().untilAsserted(() -> {
            for (var topic : topics.engineTopics()) {
                kafka.resetGroupToBeginning(group + "-events", topic.name());
            }
            for (var topic : topics.outcomeTopics()) {
                kafka.resetGroupToBeginning(group + "-outcomes", topic.name());
            }
        });
    }

    /** As the engine publishes it: a request on its worker's request topic, anything else on orders.events. */
    void send(OrderEvent event) {
        kafka.send(topicOf(event), event.getOrderId(), event);
    }

    Topic<String, OrderEvent> topicOf(OrderEvent event) {
        if (event.getBody() instanceof EffectRequested request) {
            return topics.requestTopics().get(Topics.REQUESTS.indexOf(Topics.requestsFor(request.getEffect())));
        }
        return topics.orderEvents();
    }

    /** As an engine from before the request topics published it: on orders.events, whatever it is. */
    void sendOnOrderEvents(byte[] key, byte[] value) {
        kafka.send(topics.orderEvents().name(), key, value);
    }

    void sendPayment(EffectOutcome outcome) {
        kafka.send(topics.paymentEvents(), outcome.getOrderId(), outcome);
    }

    void sendInventory(EffectOutcome outcome) {
        kafka.send(topics.inventoryEvents(), outcome.getOrderId(), outcome);
    }

    void sendShipping(EffectOutcome outcome) {
        kafka.send(topics.shippingEvents(), outcome.getOrderId(), outcome);
    }

    Optional<AuditRow> row(String messageId) {
        return jdbi.withHandle(h -> new AuditLog(clock).find(h, messageId));
    }

    AuditRow awaitAudited(String messageId) {
        return await().atMost(WAIT).until(() -> row(messageId), Optional::isPresent).orElseThrow();
    }

    long count(String sql, Object... args) {
        return jdbi.withHandle(h -> {
            var query = h.createQuery(sql);
            for (int i = 0; i < args.length; i++) {
                query.bind(i, args[i]);
            }
            return query.mapTo(Long.class).one();
        });
    }

    /** Runs {@code audit-admin ARGS} against this schema; returns its exit code and what it printed. */
    AdminRun admin(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = AuditAdmin.commandLine(config(), jdbi, clock);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new AdminRun(exit, out.toString(), err.toString());
    }

    record AdminRun(int exitCode, String out, String err) {}

    @Override
    public void close() {
        stop();
        schema.close();
    }
}
