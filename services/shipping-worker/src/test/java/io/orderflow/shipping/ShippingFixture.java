package io.orderflow.shipping;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.OutcomeTail;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import io.orderflow.shipping.tracking.WebhookSignature;
import io.orderflow.sandbox.Sandbox;
import io.orderflow.sandbox.SandboxConfig;
import io.orderflow.sandbox.SandboxMain;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * One test class's world: its own PostgreSQL schema and consumer group, the real Kafka topics (shipping.requests in,
 * shipping.events out, told apart by unique order ids), an in-process sandbox carrier that moves shipments only when
 * told, and the worker under test on a fixed webhook port so a restarted worker gets the carrier's redeliveries.
 */
final class ShippingFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    final TestDatabase db;
    final TestKafka kafka;
    final Sandbox sandbox;
    final Clock clock;
    final String group;
    final Config config;
    /** Signs webhooks with the secret the sandbox carrier and the worker share. */
    final WebhookSignature carrierSigner;
    private final OutcomeTail outcomes;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    private ShippingWorker worker;

    private ShippingFixture(Map<String, String> settings, Clock clock) {
        this.clock = clock;
        this.db = TestDatabase.create();
        this.kafka = TestKafka.create(db.config());
        String webhookSecret = "whsec_test_" + UUID.randomUUID();
        this.carrierSigner = new WebhookSignature(webhookSecret, Clock.systemUTC());
        this.sandbox = SandboxMain.start(SandboxConfig.defaults()
                .withWebhookSecret(webhookSecret)
                .withPorts(0, 0)
                .withProgression(-1, -1)
                .withWebhookRetry(50, 400, 200));
        this.group = TestKafka.uniqueGroup("shipping-test");
        Config config = db.config()
                .with("ORDERFLOW_SHIPPING_GROUP", group)
                .with(WebhookSignature.SECRET_SETTING, webhookSecret)
                .with("ORDERFLOW_CARRIER_URL", sandbox.carrierUri().toString())
                .with("ORDERFLOW_SHIPPING_WEBHOOK_PORT", String.valueOf(freePort()))
                .with("ORDERFLOW_SHIPPING_SCHEDULER_INTERVAL", "100ms")
                .with("ORDERFLOW_SHIPPING_CARRIER_TIMEOUT", "5s")
                .with("ORDERFLOW_SHIPPING_CARRIER_BACKOFF", "50ms")
                .with("ORDERFLOW_SHIPPING_RETRY_INTERVAL", "1s")
                .with("ORDERFLOW_SHIPPING_RETRY_MAX_INTERVAL", "5s")
                .with("ORDERFLOW_SHIPPING_CIRCUIT_OPEN_FOR", "30s")
                .with("ORDERFLOW_SHIPPING_UNKNOWN_SHIPMENT_GRACE", "5s");
        for (var setting : settings.entrySet()) {
            config = config.with(setting.getKey(), setting.getValue());
        }
        this.config = config;
        this.outcomes = OutcomeTail.start(config, Topics.SHIPPING_EVENTS, WAIT);
        // shipping.requests is the shared, real topic: the test group starts at its current end rather than replaying
        // every request other runs left there.
        kafka.startGroupAtEnd(group, Topics.SHIPPING_REQUESTS.name());
    }

    static ShippingFixture start(Map<String, String> settings, Clock clock) {
        ShippingFixture fixture = new ShippingFixture(settings, clock);
        fixture.startWorker();
        return fixture;
    }

    ShippingWorker worker() {
        return worker;
    }

    void startWorker() {
        worker = ShippingWorker.start(config, clock);
        // Subscribed once the carrier lists the worker's URL: from then on no tracking event is missed.
        await().atMost(WAIT).until(() -> carrierGet("/v1/webhooks").path("webhooks").findValuesAsText("url")
                .contains(worker.webhookUrl()));
    }

    void stopWorker() {
        if (worker != null) {
            worker.close();
            worker = null;
        }
    }

    void send(OrderEvent event) {
        kafka.send(Topics.SHIPPING_REQUESTS, event.getOrderId(), event);
    }

    /** Every outcome published for the order so far, repeats included, in topic order. */
    List<EffectOutcome> outcomes(String orderId) {
        return outcomes.of(orderId);
    }

    /** Waits for an outcome of the order that matches, and returns the first. */
    EffectOutcome awaitOutcome(String orderId, Predicate<EffectOutcome> matching) {
        return outcomes.awaitFirst(orderId, matching);
    }

    /** The carrier's own record of the order's labels ({@code GET /v1/labels?orderId=}). */
    List<JsonNode> labels(String orderId) {
        List<JsonNode> labels = new ArrayList<>();
        carrierGet("/v1/labels?orderId=" + URLEncoder.encode(orderId, StandardCharsets.UTF_8)).path("labels")
                .forEach(labels::add);
        return labels;
    }

    JsonNode carrierGet(String path) {
        return carrier("GET", path, null, null);
    }

    JsonNode carrierPost(String path, String body) {
        return carrier("POST", path, null, body);
    }

    /** A state-changing carrier call under an Idempotency-Key, as the worker makes them. */
    JsonNode carrierPost(String path, String idempotencyKey, String body) {
        return carrier("POST", path, idempotencyKey, body);
    }

    /** Adds fault rules to the carrier ({@code POST /sandbox/faults}). */
    void fault(String rules) {
        carrierPost("/sandbox/faults", rules);
    }

    void clearFaults() {
        carrier("DELETE", "/sandbox/faults", null, null);
    }

    /** Moves a shipment on at the carrier, which pushes the tracking events to the worker. */
    void advance(String trackingNumber, String status) {
        carrierPost("/sandbox/shipments/" + trackingNumber + "/advance", "{\"status\":\"" + status + "\"}");
    }

    /** Posts a webhook body to the worker as the carrier would (again), signed now; returns the status. */
    int postWebhook(String body) throws Exception {
        return postWebhook(body, carrierSigner.header(Instant.now().getEpochSecond(), body));
    }

    /** Posts a webhook body with this signature header (null: none); returns the status. */
    int postWebhook(String body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(worker.webhookUrl()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signature != null) {
            request.header(WebhookSignature.HEADER, signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    /** GET on the worker's own HTTP endpoint, e.g. {@code /health}. */
    HttpResponse<String> workerGet(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.webhookPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    String toJson(JsonNode node) {
        return node.toString();
    }

    /** One value from the worker's schema, e.g. {@code select status from shipments where request_id = ?}. */
    String queryString(String sql, Object... parameters) throws Exception {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                s.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private JsonNode carrier(String method, String path, String idempotencyKey, String body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.carrierUri() + path))
                    .header("Content-Type", "application/json");
            if (idempotencyKey != null) {
                request.header("Idempotency-Key", idempotencyKey);
            }
            request
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new AssertionError(method + " " + path + " -> " + response.statusCode() + " " + response.body());
            }
            return json.readTree(response.body().isEmpty() ? "{}" : response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        stopWorker();
        outcomes.close();
        sandbox.close();
        kafka.close();
        db.close();
    }

}
