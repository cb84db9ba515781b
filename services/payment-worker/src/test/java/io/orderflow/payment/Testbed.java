package io.orderflow.payment;

import static io.orderflow.common.testing.EffectRequests.requestIdOf;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.OutcomeTail;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.payment.store.Payment;
import io.orderflow.payment.store.PaymentDao;
import io.orderflow.sandbox.Sandbox;
import io.orderflow.sandbox.SandboxConfig;
import io.orderflow.sandbox.SandboxMain;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One test class's payment world: a sandbox gateway on ephemeral ports, its own schema and consumer group, workers
 * started on them with short timings, requests sent to the real payment.requests and outcomes read from the real
 * payment.events.
 */
final class Testbed implements AutoCloseable {
    private final TestKafka kafka;
    private final TestDatabase schema;
    private final Sandbox sandbox;
    private final GatewayLedger gateway;
    private final String group;
    private final Database database;
    private final OutcomeTail outcomes;
    private final List<PaymentWorker> workers = new ArrayList<>();

    Testbed(TestKafka kafka, TestDatabase schema) {
        this.kafka = kafka;
        this.schema = schema;
        this.sandbox = SandboxMain.start(SandboxConfig.defaults().withPorts(0, 0));
        this.gateway = new GatewayLedger(sandbox.gatewayUri());
        this.group = TestKafka.uniqueGroup("payment-test");
        // payment.requests is shared with every other test and earlier runs: this worker starts at its end.
        kafka.startGroupAtEnd(group, Topics.PAYMENT_REQUESTS.name());
        this.database = schema.open("classpath:db/payment");
        this.outcomes = OutcomeTail.start(kafka.config(), Topics.PAYMENT_EVENTS, Duration.ofSeconds(45));
    }

    /**
     * This schema, group and gateway, with timings that keep tests short: 1 s gateway timeout, 3 attempts 50 ms
     * apart, held requests retried every 300 ms, claims that expire after 5 s, and a breaker that opens only if every
     * one of 20 calls fails (tests of the breaker itself tighten it).
     */
    Config workerConfig() {
        return schema.config()
                .with("ORDERFLOW_PAYMENT_GROUP", group)
                .with("ORDERFLOW_GATEWAY_URL", sandbox.gatewayUri().toString())
                .with("ORDERFLOW_GATEWAY_CONNECT_TIMEOUT", "1s")
                .with("ORDERFLOW_GATEWAY_REQUEST_TIMEOUT", "1s")
                .with("ORDERFLOW_PAYMENT_RETRY_ATTEMPTS", "3")
                .with("ORDERFLOW_PAYMENT_RETRY_BACKOFF", "50ms")
                .with("ORDERFLOW_PAYMENT_BREAKER_WINDOW", "20")
                .with("ORDERFLOW_PAYMENT_BREAKER_MIN_CALLS", "20")
                .with("ORDERFLOW_PAYMENT_BREAKER_FAILURE_RATE", "100")
                .with("ORDERFLOW_PAYMENT_BREAKER_OPEN_FOR", "1s")
                .with("ORDERFLOW_PAYMENT_RESUME_INTERVAL", "300ms")
                .with("ORDERFLOW_PAYMENT_POLL_INTERVAL", "200ms")
                .with("ORDERFLOW_PAYMENT_CLAIM_LEASE", "5s")
                .with("ORDERFLOW_PAYMENT_THREADS", "2");
    }

    synchronized PaymentWorker startWorker(Config config) {
        PaymentWorker worker = PaymentWorker.start(config);
        workers.add(worker);
        return worker;
    }

    synchronized void stopWorker(PaymentWorker worker) {
        worker.close();
        workers.remove(worker);
    }

    GatewayLedger gateway() {
        return gateway;
    }

    OutcomeTail outcomes() {
        return outcomes;
    }

    TestDatabase schema() {
        return schema;
    }

    void send(OrderEvent event) {
        kafka.send(Topics.PAYMENT_REQUESTS, event.getOrderId(), event);
    }

    /** Sends {@code event} and waits for the final answer to its request. */
    EffectOutcome request(OrderEvent event) {
        send(event);
        return outcomes.awaitFinal(event.getOrderId(), requestIdOf(event));
    }

    Payment payment(String requestId) {
        return database.jdbi().onDemand(PaymentDao.class).find(requestId).orElseThrow();
    }

    List<Payment> payments(String orderId) {
        return database.jdbi().onDemand(PaymentDao.class).forOrder(orderId);
    }

    /** Stops the workers still running, the tail and the sandbox; the schema is dropped by its own extension. */
    @Override
    public synchronized void close() {
        for (int i = workers.size() - 1; i >= 0; i--) {
            workers.get(i).close();
        }
        workers.clear();
        outcomes.close();
        sandbox.close();
    }
}
