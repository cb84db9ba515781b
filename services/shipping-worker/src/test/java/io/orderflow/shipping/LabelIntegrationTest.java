package io.orderflow.shipping;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.shipping.Requests.createLabel;
import static io.orderflow.shipping.Requests.voidLabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.orderflow.common.testing.EffectRequests;
import io.orderflow.common.testing.LogCapture;
import io.orderflow.common.testing.MutableClock;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OutcomeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Labels against the sandbox carrier over HTTP: created once whatever repeats or fails, voided on request. */
class LabelIntegrationTest {
    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static ShippingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ShippingFixture.start(Map.of("ORDERFLOW_SHIPPING_CIRCUIT_MINIMUM_CALLS", "2"), CLOCK);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @AfterEach
    void clearFaults() {
        fixture.clearFaults();
    }

    @Test
    void createLabelAnswersWithTheLabelAndItsTrackingNumber() throws Exception {
        String orderId = newOrderId("label");
        fixture.send(createLabel(orderId, orderId + "-r4"));

        EffectOutcome outcome = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        assertThat(outcome.getRequestId()).isEqualTo(orderId + "-r4");
        assertThat(outcome.getEffect()).isEqualTo(Effect.CREATE_LABEL);
        assertThat(outcome.getReference()).startsWith("lbl_");
        assertThat(outcome.getTrackingNumber()).startsWith("SBX");
        List<JsonNode> labels = fixture.labels(orderId);
        assertThat(labels).hasSize(1);
        JsonNode label = labels.get(0);
        assertThat(label.path("labelId").asText()).isEqualTo(outcome.getReference());
        assertThat(label.path("trackingNumber").asText()).isEqualTo(outcome.getTrackingNumber());
        assertThat(label.path("address").path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(label.path("address").path("postalCode").asText()).isEqualTo("N1 9GU");
        assertThat(label.path("lines").findValuesAsText("sku")).containsExactly("SKU-1", "SKU-2");
        assertThat(fixture.queryString("select status from shipments where request_id = ?", orderId + "-r4"))
                .isEqualTo("CREATED");
    }

    @Test
    void redeliveredRequestCreatesNoSecondLabel() {
        String orderId = newOrderId("redelivered");
        OrderEvent request = createLabel(orderId, orderId + "-r4");
        fixture.send(request);
        fixture.send(request);                   // the same event again: skipped by its event id
        await().atMost(ShippingFixture.WAIT).until(() -> succeeded(orderId).size() == 1);
        fixture.send(EffectRequests.again(request));   // the same request in a new event: answered as before

        await().atMost(ShippingFixture.WAIT).until(() -> succeeded(orderId).size() == 2);

        assertThat(succeeded(orderId)).extracting(EffectOutcome::getOutcomeId).containsOnly(orderId + "-r4-succeeded");
        assertThat(succeeded(orderId)).extracting(EffectOutcome::getReference).doesNotContainNull().hasSize(2)
                .containsOnly(succeeded(orderId).get(0).getReference());
        assertThat(fixture.labels(orderId)).hasSize(1);
    }

    @Test
    void carrierErrorsAreRetriedAndMakeOneLabel() {
        String orderId = newOrderId("flaky");
        fixture.fault("{\"method\":\"POST\",\"route\":\"/v1/labels\",\"kind\":\"status\",\"status\":503,\"times\":2}");
        fixture.send(createLabel(orderId, orderId + "-r4"));

        EffectOutcome outcome = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        assertThat(fixture.outcomes(orderId)).extracting(EffectOutcome::getStatus).containsExactly(OutcomeStatus.SUCCEEDED);
        assertThat(fixture.labels(orderId)).extracting(l -> l.path("labelId").asText())
                .containsExactly(outcome.getReference());
    }

    @Test
    void labelWhoseAnswerWasLostIsNotCreatedTwice() {
        String orderId = newOrderId("lost-answer");
        // The carrier creates the label, then drops the connection before answering.
        fixture.fault("{\"method\":\"POST\",\"route\":\"/v1/labels\",\"kind\":\"afterEffect\",\"respond\":\"drop\",\"times\":1}");
        fixture.send(createLabel(orderId, orderId + "-r4"));

        EffectOutcome outcome = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        assertThat(fixture.labels(orderId)).extracting(l -> l.path("labelId").asText())
                .containsExactly(outcome.getReference());
    }

    @Test
    void carrierDownHoldsTheLabelUntilTheCircuitLetsItThrough() {
        String orderId = newOrderId("circuit");
        fixture.fault("{\"method\":\"POST\",\"route\":\"/v1/labels\",\"kind\":\"drop\"}");
        fixture.send(createLabel(orderId, orderId + "-r4"));

        EffectOutcome held = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.HELD);
        assertThat(held.getReason()).startsWith("carrier unavailable").endsWith("retrying");
        assertThat(held.getOutcomeId()).isEqualTo(orderId + "-r4-held-carrier");

        // Later attempts fail too (each after its retries) until failures outweigh the successes of earlier tests in
        // the breaker's window and the circuit opens; the request keeps waiting, announced only once.
        await().atMost(ShippingFixture.WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            CLOCK.advance(Duration.ofSeconds(5));
            return fixture.worker().carrierCircuit() == CircuitBreaker.State.OPEN;
        });
        CLOCK.advance(Duration.ofSeconds(5));
        String circuitOpen = "carrier unavailable: its circuit is open after repeated failures; retrying when it "
                + "recovers";
        await().atMost(ShippingFixture.WAIT).until(() -> circuitOpen.equals(fixture.queryString(
                "select reason from label_requests where request_id = ?", orderId + "-r4")));
        assertThat(fixture.labels(orderId)).isEmpty();

        // The carrier is back; once the circuit's wait is over, a trial call goes through and closes it.
        fixture.clearFaults();
        CLOCK.advance(Duration.ofSeconds(31));
        EffectOutcome succeeded = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        assertThat(fixture.outcomes(orderId)).extracting(EffectOutcome::getStatus)
                .containsExactly(OutcomeStatus.HELD, OutcomeStatus.SUCCEEDED);
        assertThat(fixture.labels(orderId)).extracting(l -> l.path("labelId").asText())
                .containsExactly(succeeded.getReference());
        assertThat(fixture.worker().carrierCircuit()).isEqualTo(CircuitBreaker.State.CLOSED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            non-ASCII order id,        b-ünï-日本-🚀, 1,     cannot be sent
            '10,000-character order id', x,         10000, HTTP 431 http_431: Error 431 Request Header Fields Too Large
            """)
    void aLabelTheCarrierCanNeverTakeIsAnsweredFailedOnceAndLoggedOnce(String row, String idPart, int repeat,
                                                                       String reason) throws Exception {
        String orderId = newOrderId(idPart.repeat(repeat));
        String requestId = orderId + "-r3";
        try (LogCapture log = LogCapture.start()) {
            fixture.send(createLabel(orderId, requestId, "Ada Lovelace, 1 Analytical St, N1 9GU London, GB"));

            EffectOutcome failed = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.FAILED);

            assertThat(failed.getReason()).startsWith("the carrier refused the label: ").contains(reason)
                    .hasSizeLessThan(300).doesNotContain("<");
            Thread.sleep(2_000); // a retry loop would have answered or logged again by now
            assertThat(fixture.outcomes(orderId)).hasSize(1);
            assertThat(log.linesWith(requestId.substring(0, Math.min(60, requestId.length())))).hasSize(1);
            assertThat(fixture.worker().carrierCircuit()).as("a refusal proves the carrier is up")
                    .isEqualTo(CircuitBreaker.State.CLOSED);
        }
    }

    @Test
    void incompleteAddressFailsWithTheReasonAndMakesNoLabel() {
        String orderId = newOrderId("no-city");
        fixture.send(createLabel(orderId, orderId + "-r4", "1 Main St"));

        EffectOutcome failed = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.FAILED);

        assertThat(failed.getReason()).isEqualTo("cannot create a label: shipping address '1 Main St' lacks the "
                + "street; write it like 'Ada Lovelace, 1 Analytical St, N1 9GU London, GB'");
        assertThat(fixture.labels(orderId)).isEmpty();
    }

    @Test
    void voidLabelVoidsTheTargetRequestsLabel() throws Exception {
        String orderId = newOrderId("void");
        fixture.send(createLabel(orderId, orderId + "-r4"));
        EffectOutcome created = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        fixture.send(voidLabel(orderId, orderId + "-r5", orderId + "-r4"));
        EffectOutcome voided = fixture.awaitOutcome(orderId, o -> o.getEffect() == Effect.VOID_LABEL);

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getRequestId()).isEqualTo(orderId + "-r5");
        assertThat(voided.getReference()).isEqualTo(created.getReference());
        assertThat(fixture.labels(orderId)).extracting(l -> l.path("status").asText()).containsExactly("VOIDED");
        assertThat(fixture.queryString("select status from shipments where request_id = ?", orderId + "-r4"))
                .isEqualTo("VOIDED");
    }

    @Test
    void voidWithoutTargetVoidsEveryLiveLabelOfTheOrder() {
        String orderId = newOrderId("void-all");
        fixture.send(createLabel(orderId, orderId + "-r4"));
        EffectOutcome created = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        fixture.send(voidLabel(orderId, orderId + "-r5", null));
        EffectOutcome voided = fixture.awaitOutcome(orderId, o -> o.getEffect() == Effect.VOID_LABEL);

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getReference()).isEqualTo(created.getReference());
        assertThat(fixture.labels(orderId)).extracting(l -> l.path("status").asText()).containsExactly("VOIDED");
    }

    @Test
    void voidOfADeliveredLabelFailsSayingSo() {
        String orderId = newOrderId("void-delivered");
        fixture.send(createLabel(orderId, orderId + "-r4"));
        EffectOutcome created = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);
        fixture.advance(created.getTrackingNumber(), "DELIVERED");

        fixture.send(voidLabel(orderId, orderId + "-r5", orderId + "-r4"));
        EffectOutcome voided = fixture.awaitOutcome(orderId, o -> o.getEffect() == Effect.VOID_LABEL);

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(voided.getReason())
                .isEqualTo("label " + created.getReference() + " was already delivered and cannot be voided");
        assertThat(fixture.labels(orderId)).extracting(l -> l.path("status").asText()).containsExactly("DELIVERED");
    }

    @Test
    void voidOfARequestThatMadeNoLabelSucceedsWithNothingToVoid() {
        String orderId = newOrderId("void-nothing");
        fixture.send(voidLabel(orderId, orderId + "-r5", orderId + "-r4"));

        EffectOutcome voided = fixture.awaitOutcome(orderId, o -> o.getEffect() == Effect.VOID_LABEL);

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getReference()).isNull();
        assertThat(voided.getReason())
                .isEqualTo("nothing to void: no label request " + orderId + "-r4 reached the shipping worker");
    }

    private static List<EffectOutcome> succeeded(String orderId) {
        return fixture.outcomes(orderId).stream().filter(o -> o.getStatus() == OutcomeStatus.SUCCEEDED).toList();
    }
}
