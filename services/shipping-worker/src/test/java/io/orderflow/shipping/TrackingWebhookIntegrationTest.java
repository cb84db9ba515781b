package io.orderflow.shipping;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.shipping.Requests.createLabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.common.testing.MutableClock;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.shipping.tracking.WebhookSignature;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The carrier's tracking webhooks become UPDATE outcomes, once per carrier event id, whatever the carrier repeats. */
class TrackingWebhookIntegrationTest {
    private static ShippingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ShippingFixture.start(Map.of("ORDERFLOW_SHIPPING_UNKNOWN_SHIPMENT_GRACE", "1s"),
                new MutableClock(Instant.now()));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void inTransitAndDeliveredBecomeUpdatesExactlyOnceEvenWhenTheCarrierRedelivers() throws Exception {
        String orderId = newOrderId("tracked");
        String trackingNumber = shipped(orderId);

        fixture.advance(trackingNumber, "IN_TRANSIT");
        fixture.awaitOutcome(orderId, o -> "IN_TRANSIT".equals(o.getTrackingStatus()));
        fixture.advance(trackingNumber, "DELIVERED");
        fixture.awaitOutcome(orderId, o -> "DELIVERED".equals(o.getTrackingStatus()));

        // The carrier delivers again every event it has pushed, as after a lost acknowledgement.
        JsonNode events = fixture.carrierGet("/v1/tracking/" + trackingNumber).path("events");
        assertThat(events).hasSize(2);
        // A redelivery is signed afresh; within the second of the first push it would carry the very same signature,
        // which the worker refuses as a replay (the carrier then retries later): redeliver in the next second.
        Thread.sleep(1000 - Instant.now().toEpochMilli() % 1000 + 10);
        for (JsonNode event : events) {
            assertThat(fixture.postWebhook(fixture.toJson(event))).isEqualTo(200);
        }

        List<EffectOutcome> updates = updates(orderId);
        assertThat(updates).extracting(EffectOutcome::getTrackingStatus).containsExactly("IN_TRANSIT", "DELIVERED");
        assertThat(updates).extracting(EffectOutcome::getOutcomeId)
                .containsExactly("tracking-" + events.get(0).path("eventId").asText(),
                        "tracking-" + events.get(1).path("eventId").asText());
        assertThat(updates).allSatisfy(update -> {
            assertThat(update.getRequestId()).isNull();
            assertThat(update.getEffect()).isEqualTo(Effect.TRACK_SHIPMENT);
            assertThat(update.getTrackingNumber()).isEqualTo(trackingNumber);
        });
        assertThat(fixture.queryString("select status from shipments where tracking_number = ?", trackingNumber))
                .isEqualTo("DELIVERED");
        assertThat(fixture.queryString("select count(*) from tracking_events where tracking_number = ?",
                trackingNumber)).isEqualTo("2");
    }

    @Test
    void eventsPushedWhileTheWorkerIsDownArriveOnceAfterItRestarts() {
        String orderId = newOrderId("restart-tracked");
        String trackingNumber = shipped(orderId);

        fixture.stopWorker();
        fixture.advance(trackingNumber, "DELIVERED");   // IN_TRANSIT first, then DELIVERED; both wait at the carrier
        fixture.startWorker();

        await().atMost(ShippingFixture.WAIT).until(() -> updates(orderId).size() >= 2);
        assertThat(updates(orderId)).extracting(EffectOutcome::getTrackingStatus)
                .containsExactly("IN_TRANSIT", "DELIVERED");
        await().atMost(ShippingFixture.WAIT).until(() -> fixture.carrierGet("/v1/webhooks").path("webhooks")
                .findValues("pending").stream().allMatch(p -> p.asInt() == 0));
        assertThat(updates(orderId)).hasSize(2);
    }

    @Test
    void eventForALabelNotYetRecordedIsRefusedUntilItsGraceEndsThenPublishedForTheCarriersOrder() throws Exception {
        String orderId = newOrderId("unknown-label");
        String event = """
                {"eventId": "evt_%s", "type": "tracking.updated", "trackingNumber": "SBX-%s", "labelId": "lbl_elsewhere",
                 "orderId": "%s", "status": "IN_TRANSIT", "occurredAt": "2026-11-25T16:10:51.200Z"}"""
                .formatted(orderId, orderId, orderId);

        // Its label's transaction may still be committing: the carrier is asked to deliver it again.
        assertThat(fixture.postWebhook(event)).isEqualTo(503);
        assertThat(updates(orderId)).isEmpty();

        await().atMost(ShippingFixture.WAIT).pollInterval(Duration.ofMillis(250))
                .until(() -> fixture.postWebhook(event) == 200);
        EffectOutcome update = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.UPDATE);
        assertThat(update.getTrackingStatus()).isEqualTo("IN_TRANSIT");
        assertThat(update.getReference()).isEqualTo("lbl_elsewhere");
        assertThat(update.getOccurredAt()).isEqualTo(Instant.parse("2026-11-25T16:10:51.200Z"));
    }

    @Test
    void healthShowsTheWorkerRunningWithItsCircuitClosed() throws Exception {
        await().atMost(ShippingFixture.WAIT).untilAsserted(() -> {
            HttpResponse<String> health = fixture.workerGet("/health");

            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"ok\"").contains("\"carrierCircuit\":\"CLOSED\"")
                    .contains("\"subscribedToCarrier\":true");
        });
    }

    @Test
    void malformedEventIsRefusedWithBadRequest() throws Exception {
        assertThat(fixture.postWebhook("{\"eventId\":\"evt_1\"}")).isEqualTo(400);
        assertThat(fixture.postWebhook("not json")).isEqualTo(400);
    }

    @Test
    void unsignedForgedStaleOrReplayedWebhooksChangeNothing() throws Exception {
        String orderId = newOrderId("signed");
        String trackingNumber = shipped(orderId);
        String delivered = """
                {"eventId": "evt_%s", "type": "tracking.updated", "trackingNumber": "%s", "orderId": "%s",
                 "status": "DELIVERED", "occurredAt": "2026-11-25T16:10:51.200Z"}"""
                .formatted(orderId, trackingNumber, orderId);
        long now = Instant.now().getEpochSecond();
        String forged = new WebhookSignature("not-the-shared-secret", Clock.systemUTC()).header(now, delivered);
        String stale = fixture.carrierSigner.header(now - WebhookSignature.TOLERANCE.toSeconds() - 60, delivered);
        String tampered = fixture.carrierSigner.header(now, delivered.replace("DELIVERED", "IN_TRANSIT"));

        assertThat(fixture.postWebhook(delivered, null)).isEqualTo(401);
        assertThat(fixture.postWebhook(delivered, forged)).isEqualTo(401);
        assertThat(fixture.postWebhook(delivered, stale)).isEqualTo(401);
        assertThat(fixture.postWebhook(delivered, tampered)).isEqualTo(401);
        assertThat(fixture.postWebhook(delivered, "t=" + now)).isEqualTo(401);
        // Answered only after commit: a refusal means nothing was recorded or published.
        assertThat(trackingEvents(trackingNumber)).isEqualTo("0");
        assertThat(fixture.queryString("select status from shipments where tracking_number = ?", trackingNumber))
                .isNotEqualTo("DELIVERED");

        String signed = fixture.carrierSigner.header(now, delivered);
        assertThat(fixture.postWebhook(delivered, signed)).isEqualTo(200);
        assertThat(fixture.postWebhook(delivered, signed)).as("the same signed request again").isEqualTo(401);
        fixture.awaitOutcome(orderId, o -> "DELIVERED".equals(o.getTrackingStatus()));
        assertThat(trackingEvents(trackingNumber)).isEqualTo("1");
        assertThat(updates(orderId)).hasSize(1);
    }

    private static String trackingEvents(String trackingNumber) throws Exception {
        return fixture.queryString("select count(*) from tracking_events where tracking_number = ?", trackingNumber);
    }

    /** Creates the order's label; returns its tracking number. */
    private static String shipped(String orderId) {
        fixture.send(createLabel(orderId, orderId + "-r4"));
        return fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED).getTrackingNumber();
    }

    private static List<EffectOutcome> updates(String orderId) {
        return fixture.outcomes(orderId).stream().filter(o -> o.getStatus() == OutcomeStatus.UPDATE).toList();
    }
}
