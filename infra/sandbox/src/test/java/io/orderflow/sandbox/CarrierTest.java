package io.orderflow.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CarrierTest {
    private static Sandbox sandbox;
    private static URI carrier;
    private final SandboxHttp http = new SandboxHttp();

    @BeforeAll
    static void start() {
        // Progression only on demand here; fast webhook retries so redelivery tests stay short.
        sandbox = SandboxMain.start(SandboxConfig.defaults().withPorts(0, 0).withProgression(-1, -1)
                .withWebhookRetry(50, 400, 100));
        carrier = sandbox.carrierUri();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    static String label(String orderId) {
        return """
                {"orderId": "%s",
                 "address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "city": "London",
                             "postalCode": "N1 9GU", "country": "GB"},
                 "parcels": [{"weightGrams": 1200}],
                 "lines": [{"sku": "BOOK-1", "quantity": 2}]}""".formatted(orderId);
    }

    private JsonNode createLabel(String orderId) throws IOException {
        HttpResponse<String> response = http.post(carrier, "/v1/labels", "label-" + orderId, label(orderId));
        assertThat(response.statusCode()).isEqualTo(201);
        return SandboxHttp.json(response);
    }

    private HttpResponse<String> advance(String trackingNumber, String status) throws IOException {
        return http.post(carrier, "/sandbox/shipments/" + trackingNumber + "/advance", null,
                "{\"status\": \"" + status + "\"}");
    }

    @Test
    void labelsAreIdempotentAndListedPerOrder() throws IOException {
        JsonNode created = createLabel("c1");
        assertThat(created.get("labelId").asText()).startsWith("lbl_");
        assertThat(created.get("trackingNumber").asText()).startsWith("SBX");
        assertThat(created.get("status").asText()).isEqualTo("CREATED");

        HttpResponse<String> replay = http.post(carrier, "/v1/labels", "label-c1", label("c1"));
        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(SandboxHttp.json(replay).get("labelId").asText()).isEqualTo(created.get("labelId").asText());
        assertThat(http.getJson(carrier, "/v1/labels?orderId=c1").get("labels")).hasSize(1);

        HttpResponse<String> document = http.get(URI.create(created.get("labelUrl").asText()), "");
        assertThat(document.statusCode()).isEqualTo(200);
        assertThat(document.body()).contains(created.get("trackingNumber").asText());
    }

    @Test
    void labelRequestsAreValidated() throws IOException {
        assertThat(http.post(carrier, "/v1/labels", null, label("c2")).statusCode()).isEqualTo(400);
        HttpResponse<String> noAddress = http.post(carrier, "/v1/labels", "c2-bad",
                "{\"orderId\": \"c2\", \"parcels\": [{\"weightGrams\": 100}]}");
        assertThat(noAddress.statusCode()).isEqualTo(400);
        assertThat(SandboxHttp.json(noAddress).at("/error/message").asText()).contains("address");
        assertThat(http.getJson(carrier, "/v1/labels?orderId=c2").get("labels")).isEmpty();
    }

    @Test
    void trackingUpdatesArePushedToSubscribers() throws IOException {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            assertThat(http.post(carrier, "/v1/webhooks", null, "{\"url\": \"" + receiver.url() + "\"}")
                    .statusCode()).isEqualTo(201);
            JsonNode label = createLabel("c3");
            String tracking = label.get("trackingNumber").asText();

            assertThat(advance(tracking, "IN_TRANSIT").statusCode()).isEqualTo(200);
            assertThat(advance(tracking, "DELIVERED").statusCode()).isEqualTo(200);
            assertThat(advance(tracking, "IN_TRANSIT").statusCode()).isEqualTo(409);

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() >= 2);
            JsonNode first = receiver.received().get(0);
            assertThat(first.get("status").asText()).isEqualTo("IN_TRANSIT");
            assertThat(first.get("orderId").asText()).isEqualTo("c3");
            assertThat(first.get("labelId").asText()).isEqualTo(label.get("labelId").asText());
            assertThat(first.get("trackingNumber").asText()).isEqualTo(tracking);
            assertThat(first.get("eventId").asText()).startsWith("evt_");
            assertThat(first.get("occurredAt").asText()).isNotBlank();
            assertThat(receiver.distinctStatuses(tracking)).containsExactly("IN_TRANSIT", "DELIVERED");

            JsonNode history = http.getJson(carrier, "/v1/tracking/" + tracking);
            assertThat(history.get("status").asText()).isEqualTo("DELIVERED");
            assertThat(history.at("/events/1/eventId").asText())
                    .isEqualTo(receiver.received().get(1).get("eventId").asText());

            HttpResponse<String> voidDelivered = http.post(carrier,
                    "/v1/labels/" + label.get("labelId").asText() + "/void", "void-c3", "");
            assertThat(voidDelivered.statusCode()).isEqualTo(409);
        }
    }

    @Test
    void eventsAreRedeliveredWithTheSameEventIdAfterTheReceiverWasDown() throws Exception {
        int port;
        try (ServerSocket reserve = new ServerSocket(0)) {
            port = reserve.getLocalPort();
        }
        String url = "http://127.0.0.1:" + port + "/hooks/tracking";
        http.post(carrier, "/v1/webhooks", null, "{\"url\": \"" + url + "\"}");
        String tracking = createLabel("c4").get("trackingNumber").asText();

        // Nobody listens yet: DELIVERED (with the IN_TRANSIT scan before it) cannot be delivered.
        assertThat(advance(tracking, "DELIVERED").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() ->
                http.getJson(carrier, "/v1/webhooks").at("/webhooks/0/failedAttempts").asLong() >= 3);
        assertThat(http.getJson(carrier, "/v1/webhooks").at("/webhooks/0/pending").asInt()).isEqualTo(2);

        try (WebhookReceiver receiver = new WebhookReceiver(port)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.distinctStatuses(tracking).size() == 2);
            assertThat(receiver.distinctStatuses(tracking)).containsExactly("IN_TRANSIT", "DELIVERED");
            List<String> sentIds = http.getJson(carrier, "/v1/tracking/" + tracking).findValuesAsText("eventId");
            assertThat(receiver.received().stream().map(e -> e.get("eventId").asText()).distinct())
                    .containsExactlyElementsOf(sentIds);
            assertThat(Integer.parseInt(receiver.attemptHeaders().get(0))).isGreaterThan(1);
        }
    }

    @Test
    void aFailingReceiverGetsTheSameEventAgain() throws IOException {
        try (WebhookReceiver receiver = new WebhookReceiver(0)) {
            http.post(carrier, "/v1/webhooks", null, "{\"url\": \"" + receiver.url() + "\"}");
            receiver.failNext(2);
            String tracking = createLabel("c5").get("trackingNumber").asText();
            advance(tracking, "IN_TRANSIT");

            await().atMost(Duration.ofSeconds(15)).until(() -> receiver.received().size() == 1);
            assertThat(receiver.attemptHeaders()).containsExactly("3");
            assertThat(receiver.received().get(0).get("eventId").asText())
                    .isEqualTo(http.getJson(carrier, "/v1/tracking/" + tracking).at("/events/0/eventId").asText());
        }
    }

    @Test
    void automaticProgressionFromConfigSkipsVoidedLabels() throws IOException {
        try (WebhookReceiver receiver = new WebhookReceiver(0);
             Sandbox auto = SandboxMain.start(SandboxConfig.defaults().withPorts(0, 0).withProgression(100, 300)
                     .withWebhookUrls(List.of(receiver.url())).withWebhookRetry(50, 400, 100))) {
            URI autoCarrier = auto.carrierUri();
            String shipped = SandboxHttp.json(http.post(autoCarrier, "/v1/labels", "k-ship", label("c6")))
                    .get("trackingNumber").asText();
            JsonNode cancelled = SandboxHttp.json(http.post(autoCarrier, "/v1/labels", "k-void", label("c7")));
            HttpResponse<String> voided = http.post(autoCarrier,
                    "/v1/labels/" + cancelled.get("labelId").asText() + "/void", "k-void-1", "");
            assertThat(voided.statusCode()).isEqualTo(200);
            assertThat(SandboxHttp.json(voided).get("status").asText()).isEqualTo("VOIDED");

            await().atMost(Duration.ofSeconds(15))
                    .until(() -> receiver.distinctStatuses(shipped).equals(List.of("IN_TRANSIT", "DELIVERED")));
            // Well past both delays: the voided label never produced an update.
            await().pollDelay(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> true);
            assertThat(receiver.distinctStatuses(cancelled.get("trackingNumber").asText())).isEmpty();
            assertThat(http.getJson(autoCarrier, "/v1/webhooks").at("/webhooks/0/source").asText())
                    .isEqualTo("config");
        }
    }
}
