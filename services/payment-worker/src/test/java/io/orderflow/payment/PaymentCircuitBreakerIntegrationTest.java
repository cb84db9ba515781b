package io.orderflow.payment;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.common.testing.EffectRequests.requestId;
import static io.orderflow.common.testing.EffectRequests.requestIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.payment.GatewayLedger.Books;
import io.orderflow.payment.store.Payment;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OutcomeStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway goes down for a while: requests are held (HELD outcome once, the request kept pending) instead of
 * failing, resume by themselves when it recovers, and are still charged exactly once; a held capture that the engine
 * gives up on is cancelled rather than charged.
 */
class PaymentCircuitBreakerIntegrationTest {
    private static final String HELD_REASON = "payment gateway unavailable (circuit open); will retry";

    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static Testbed bed;
    private static PaymentWorker worker;

    @BeforeAll
    static void start() {
        bed = new Testbed(kafka, schema);
        // Two failed calls in a row open the breaker: a request's own retries open it. Open for 4 s, then one probe.
        worker = bed.startWorker(bed.workerConfig()
                .with("ORDERFLOW_PAYMENT_BREAKER_WINDOW", "2")
                .with("ORDERFLOW_PAYMENT_BREAKER_MIN_CALLS", "2")
                .with("ORDERFLOW_PAYMENT_BREAKER_FAILURE_RATE", "50")
                .with("ORDERFLOW_PAYMENT_BREAKER_OPEN_FOR", "4s"));
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @AfterEach
    void gatewayBackUp() {
        bed.gateway().clearFaults();
        // Closed, or half-open: the next call goes through and, succeeding, closes it.
        await("the breaker lets calls through again").atMost(Duration.ofSeconds(20))
                .until(() -> !worker.gateway().isCircuitOpen());
    }

    @Test
    void gatewayDownHoldsTheCaptureOnceThenChargesItOnceWhenItRecovers() throws Exception {
        String orderId = newOrderId("down");
        OrderEvent capture = Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId));
        String requestId = requestIdOf(capture);
        bed.gateway().fault("{\"method\": \"POST\", \"pathPrefix\": \"/v1/\", \"kind\": \"status\", \"status\": 503}");

        bed.send(capture);
        EffectOutcome held = bed.outcomes().awaitStatus(orderId, requestId, OutcomeStatus.HELD);

        assertThat(held.getReason()).isEqualTo(HELD_REASON);
        assertThat(worker.gateway().isCircuitOpen()).isTrue();
        // Down for a while: several resumes come and go (every 300 ms; a probe every 4 s), none of them answers.
        Thread.sleep(3_000);
        assertThat(bed.outcomes().answers(orderId, requestId)).singleElement()
                .satisfies(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.HELD));
        assertThat(bed.payment(requestId).status()).isEqualTo(Payment.Status.PENDING);
        assertThat(bed.gateway().books(orderId).entries()).isEmpty();

        bed.gateway().clearFaults();
        EffectOutcome outcome = bed.outcomes().awaitFinal(orderId, requestId);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("authorization")).isEqualTo(1);
        assertThat(books.count("capture")).isEqualTo(1);
        assertThat(books.sum("capture")).isEqualTo(2999);
        assertThat(bed.outcomes().answers(orderId, requestId).stream()
                .filter(o -> o.getStatus() == OutcomeStatus.HELD)).hasSize(1);
    }

    @Test
    void heldCaptureThatTheEngineGivesUpOnIsNeverCaptured() {
        String orderId = newOrderId("giveup");
        OrderSnapshot order = Requests.order(orderId, "pm_card_ok");
        OrderEvent capture = Requests.capture(order, requestId(orderId));
        bed.gateway().fault("{\"method\": \"POST\", \"pathPrefix\": \"/v1/\", \"kind\": \"drop\"}");
        bed.send(capture);
        bed.outcomes().awaitStatus(orderId, requestIdOf(capture), OutcomeStatus.HELD);

        // The engine's deadline passed: it rolls the payment back and asks for the capture to be undone.
        OrderEvent undo = Requests.voidPayment(order, requestId(orderId), requestIdOf(capture));
        bed.send(undo);
        // It waits behind the capture, so it is held too.
        EffectOutcome undoHeld = bed.outcomes().awaitStatus(orderId, requestIdOf(undo), OutcomeStatus.HELD);
        assertThat(undoHeld.getReason()).isEqualTo("payment gateway unavailable (circuit open); will retry after "
                + requestIdOf(capture));
        // The capture had reached out (its calls were dropped): what it may have started is settled when the
        // gateway is back, without capturing.
        bed.gateway().clearFaults();
        EffectOutcome cancelled = bed.outcomes().awaitFinal(orderId, requestIdOf(capture));
        EffectOutcome voided = bed.outcomes().awaitFinal(orderId, requestIdOf(undo));

        assertThat(cancelled.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(cancelled.getReason()).startsWith("cancelled by " + requestIdOf(undo));
        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("capture")).isZero();
        assertThat(books.count("authorization")).isEqualTo(books.count("void"));
    }

    @Test
    void captureThatNeverReachedTheGatewayIsCancelledWhileTheGatewayIsDown() {
        bed.gateway().fault("{\"method\": \"POST\", \"pathPrefix\": \"/v1/\", \"kind\": \"drop\"}");
        String first = newOrderId("opens");
        OrderEvent opener = Requests.capture(Requests.order(first, "pm_card_ok"), requestId(first));
        bed.send(opener);
        bed.outcomes().awaitStatus(first, requestIdOf(opener), OutcomeStatus.HELD);
        assertThat(worker.gateway().isCircuitOpen()).isTrue();

        // The breaker is open: this capture is held without a single call ...
        String orderId = newOrderId("untouched");
        OrderSnapshot order = Requests.order(orderId, "pm_card_ok");
        OrderEvent capture = Requests.capture(order, requestId(orderId));
        bed.send(capture);
        bed.outcomes().awaitStatus(orderId, requestIdOf(capture), OutcomeStatus.HELD);
        assertThat(bed.payment(requestIdOf(capture)).attempts()).isZero();

        // ... so when it is undone, it is simply cancelled, with the gateway still down.
        EffectOutcome voided = bed.request(Requests.voidPayment(order, requestId(orderId), requestIdOf(capture)));
        EffectOutcome cancelled = bed.outcomes().awaitFinal(orderId, requestIdOf(capture));

        assertThat(cancelled.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(cancelled.getReason()).contains("before it reached the payment gateway");
        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getReason()).startsWith("nothing to undo");
        assertThat(bed.gateway().books(orderId).entries()).isEmpty();

        bed.gateway().clearFaults();
        assertThat(bed.outcomes().awaitFinal(first, requestIdOf(opener)).getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(bed.gateway().books(first).count("capture")).isEqualTo(1);
    }
}
