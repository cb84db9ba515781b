package io.orderflow.payment;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.common.testing.EffectRequests.requestId;
import static io.orderflow.common.testing.EffectRequests.requestIdOf;
import static io.orderflow.payment.Requests.line;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.common.testing.EffectRequests;
import io.orderflow.common.testing.LogCapture;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.payment.GatewayLedger.Books;
import io.orderflow.payment.store.Payment;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OutcomeStatus;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The payment worker against the real broker, PostgreSQL and the sandbox gateway over HTTP: what it charges,
 * refuses, retries and gives back, checked against the gateway's own books.
 */
class PaymentWorkerIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static Testbed bed;

    @BeforeAll
    static void start() {
        bed = new Testbed(kafka, schema);
        bed.startWorker(bed.workerConfig());
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @AfterEach
    void clearFaults() {
        bed.gateway().clearFaults();
    }

    @Test
    void captureChargesTheOrderTotalOnce() {
        String orderId = newOrderId("pay");
        OrderEvent capture = Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId));

        EffectOutcome outcome = bed.request(capture);

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getAmount()).isEqualTo(new Money(2999L, "EUR"));
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("authorization")).isEqualTo(1);
        assertThat(books.of("capture")).singleElement()
                .satisfies(c -> assertThat(c.amountMinor()).isEqualTo(2999))
                .satisfies(c -> assertThat(c.currency()).isEqualTo("EUR"))
                .satisfies(c -> assertThat(c.objectId()).isEqualTo(outcome.getReference()));
        Payment row = bed.payment(requestIdOf(capture));
        assertThat(row.status()).isEqualTo(Payment.Status.SUCCEEDED);
        assertThat(row.chargeId()).isEqualTo(outcome.getReference());
        assertThat(row.amountMinor()).isEqualTo(2999);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("declines")
    void declinedCardFailsWithTheGatewaysReasonAndCapturesNothing(String paymentMethod, String reason) {
        String orderId = newOrderId("declined");

        EffectOutcome outcome = bed.request(Requests.capture(Requests.order(orderId, paymentMethod), requestId(orderId)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getReason()).isEqualTo(reason);
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("decline")).isEqualTo(1);
        assertThat(books.count("capture")).isZero();
    }

    static Stream<Arguments> declines() {
        return Stream.of(Arguments.of("pm_card_declined", "card declined"),
                Arguments.of("pm_insufficient_funds", "insufficient funds"),
                Arguments.of("pm_card_expired", "expired card"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPayments")
    void invalidPaymentFailsWithASpecificReasonWithoutCallingTheGateway(String name, OrderSnapshot order,
                                                                         String reason) {
        EffectOutcome outcome = bed.request(Requests.capture(order, requestId(order.getOrderId())));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getReason()).isEqualTo(reason);
        assertThat(bed.gateway().books(order.getOrderId()).entries()).isEmpty();
    }

    static Stream<Arguments> invalidPayments() {
        String mismatch = newOrderId("mismatch");
        String noCurrency = newOrderId("nocurrency");
        String mixed = newOrderId("mixed");
        String notIso = newOrderId("notiso");
        String noMethod = newOrderId("nomethod");
        String noLines = newOrderId("nolines");
        return Stream.of(
                Arguments.of("amount differs from the sum of the lines",
                        Requests.order(mismatch, "pm_card_ok", List.of(line("SKU-1", 2, 1250, "EUR")),
                                new Money(2600L, "EUR")),
                        "order " + mismatch + ": amount mismatch: the total is 26.00 EUR but the lines add up to 25.00 EUR"),
                Arguments.of("currency missing",
                        Requests.order(noCurrency, "pm_card_ok", List.of(line("SKU-1", 1, 500, "")),
                                new Money(500L, "")),
                        "order " + noCurrency + " has no currency on its total"),
                Arguments.of("lines in another currency than the total",
                        Requests.order(mixed, "pm_card_ok",
                                List.of(line("SKU-1", 1, 500, "EUR"), line("SKU-2", 1, 500, "USD")),
                                new Money(1000L, "EUR")),
                        "order " + mixed + ": line SKU-2 is priced in USD but the order total is in EUR"),
                Arguments.of("currency not ISO 4217",
                        Requests.order(notIso, "pm_card_ok", List.of(line("SKU-1", 1, 500, "EURO")),
                                new Money(500L, "EURO")),
                        "order " + notIso + ": 'EURO' is not an ISO 4217 currency code"),
                Arguments.of("payment method missing",
                        Requests.order(noMethod, null), "order " + noMethod + " has no payment method"),
                Arguments.of("no lines",
                        Requests.order(noLines, "pm_card_ok", List.of(), new Money(0L, "EUR")),
                        "order " + noLines + " has no lines to charge for"));
    }

    @Test
    void gatewayErrorsAreRetriedAndChargeOnce() {
        String orderId = newOrderId("flaky");
        bed.gateway().fault("""
                [{"method": "POST", "route": "/v1/authorizations", "kind": "drop", "times": 1},
                 {"route": "/v1/authorizations/{id}/capture", "kind": "status", "status": 503, "times": 2}]""");

        EffectOutcome outcome = bed.request(Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(bed.gateway().faults().path("rules").findValuesAsText("applied")).containsOnly("1", "2");
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("authorization")).isEqualTo(1);
        assertThat(books.count("capture")).isEqualTo(1);
        assertThat(books.sum("capture")).isEqualTo(2999);
    }

    /** Issue 11, gap 3: a capture refused after a successful authorization leaves no open authorization. */
    @Test
    void refusedCaptureVoidsItsAuthorization() {
        String orderId = newOrderId("refused");
        bed.gateway().fault("""
                [{"route": "/v1/authorizations/{id}/capture", "kind": "status", "status": 422, "times": 1}]""");

        EffectOutcome outcome = bed.request(Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getReason()).contains("voided, nothing captured");
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("authorization")).isEqualTo(1);
        assertThat(books.count("capture")).isZero();
        assertThat(books.count("void")).as("no authorization left open").isEqualTo(1);
    }

    @Test
    void chargeWhoseAnswerWasLostIsNotRepeated() {
        String orderId = newOrderId("lost");
        // The gateway authorizes and captures, then the answers never arrive (held past the client's 1 s timeout,
        // or the connection cut): the retries must get the stored results, not charge again.
        bed.gateway().fault("""
                [{"method": "POST", "route": "/v1/authorizations", "kind": "afterEffect", "respond": "drop", "times": 1},
                 {"route": "/v1/authorizations/{id}/capture", "kind": "afterEffect", "respond": "timeout",
                  "ms": 2500, "times": 1}]""");

        EffectOutcome outcome = bed.request(Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("authorization")).isEqualTo(1);
        assertThat(books.of("capture")).singleElement()
                .satisfies(c -> assertThat(c.objectId()).isEqualTo(outcome.getReference()));
    }

    @Test
    void crashBetweenTheChargeAndTheCommitDoesNotChargeAgain() throws Exception {
        String orderId = newOrderId("crash");
        OrderEvent capture = Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId));
        // The database refuses to record this order's capture, as if the worker died right after the gateway
        // charged: the row stays pending and claimed, and its claim expires.
        try (Connection c = schema.connect(); Statement s = c.createStatement()) {
            s.execute("""
                    create function refuse_capture() returns trigger language plpgsql as $$
                    begin raise exception 'simulated crash before commit'; end $$""");
            s.execute("create trigger refuse_capture before update of status on payments for each row "
                    + "when (new.order_id = '" + orderId + "' and new.status = 'SUCCEEDED') "
                    + "execute function refuse_capture()");
        }
        try {
            bed.send(capture);
            await("the gateway charged").atMost(Duration.ofSeconds(20))
                    .until(() -> bed.gateway().books(orderId).count("capture") == 1);
            Thread.sleep(500);
            assertThat(bed.payment(requestIdOf(capture)).status()).isEqualTo(Payment.Status.PENDING);
        } finally {
            try (Connection c = schema.connect(); Statement s = c.createStatement()) {
                s.execute("drop trigger refuse_capture on payments");
                s.execute("drop function refuse_capture()");
            }
        }

        EffectOutcome outcome = bed.outcomes().awaitFinal(orderId, requestIdOf(capture));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("authorization")).isEqualTo(1);
        assertThat(books.of("capture")).singleElement()
                .satisfies(c -> assertThat(c.objectId()).isEqualTo(outcome.getReference()));
        assertThat(bed.payment(requestIdOf(capture)).attempts()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void redeliveredRequestDoesNotChargeAgain() {
        String orderId = newOrderId("again");
        OrderEvent capture = Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId));
        bed.send(capture);
        bed.send(capture);                  // the same event twice: deduplicated by event id
        bed.send(EffectRequests.again(capture));  // the same request in a new event while it is pending: answered once
        EffectOutcome first = bed.outcomes().awaitFinal(orderId, requestIdOf(capture));

        bed.send(EffectRequests.again(capture));  // and once more after it is done: the stored answer is repeated
        await("the repeated request is answered again").atMost(Duration.ofSeconds(20))
                .until(() -> bed.outcomes().answers(orderId, requestIdOf(capture)).size() >= 2);

        assertThat(bed.outcomes().answers(orderId, requestIdOf(capture)))
                .allSatisfy(o -> assertThat(o.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED))
                .allSatisfy(o -> assertThat(o.getOutcomeId()).isEqualTo(first.getOutcomeId()))
                .allSatisfy(o -> assertThat(o.getReference()).isEqualTo(first.getReference()));
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("authorization")).isEqualTo(1);
        assertThat(books.count("capture")).isEqualTo(1);
    }

    @Test
    void voidAfterCaptureGivesTheWholeChargeBack() {
        String orderId = newOrderId("void");
        OrderSnapshot order = Requests.order(orderId, "pm_card_ok");
        EffectOutcome captured = bed.request(Requests.capture(order, requestId(orderId)));

        EffectOutcome voided = bed.request(Requests.voidPayment(order, requestId(orderId), null));

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getReference()).isEqualTo(captured.getReference());
        assertThat(voided.getAmount()).isEqualTo(new Money(2999L, "EUR"));
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("capture")).isEqualTo(1);
        assertThat(books.of("refund")).singleElement()
                .satisfies(r -> assertThat(r.amountMinor()).isEqualTo(books.sum("capture")));
    }

    @Test
    void compensationUndoesTheCaptureItNamesOnce() {
        String orderId = newOrderId("undo");
        OrderSnapshot order = Requests.order(orderId, "pm_card_ok");
        OrderEvent capture = Requests.capture(order, requestId(orderId));
        bed.request(capture);

        EffectOutcome undone = bed.request(Requests.voidPayment(order, requestId(orderId), requestIdOf(capture)));
        // The engine may compensate the same late capture again: nothing is left to give back.
        EffectOutcome again = bed.request(Requests.voidPayment(order, requestId(orderId), requestIdOf(capture)));

        assertThat(undone.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(again.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(again.getReason()).contains("already given back by " + undone.getRequestId());
        Books books = bed.gateway().books(orderId);
        assertThat(books.count("refund")).isEqualTo(1);
        assertThat(books.sum("refund")).isEqualTo(books.sum("capture")).isEqualTo(2999);
        assertThat(bed.payment(requestIdOf(capture)).undoneBy()).isEqualTo(undone.getRequestId());
    }

    @Test
    void voidOfAFailedCaptureHasNothingToUndo() {
        String orderId = newOrderId("voidfailed");
        OrderSnapshot order = Requests.order(orderId, "pm_card_declined");
        OrderEvent capture = Requests.capture(order, requestId(orderId));
        bed.request(capture);

        EffectOutcome voided = bed.request(Requests.voidPayment(order, requestId(orderId), requestIdOf(capture)));

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getReason()).startsWith("nothing to undo");
        assertThat(bed.gateway().books(orderId).count("refund")).isZero();
    }

    @Test
    void refundReturnsExactlyTheCapture() {
        String orderId = newOrderId("refund");
        OrderSnapshot order = Requests.order(orderId, "pm_card_ok", List.of(line("BOOK", 3, 1999, "GBP")),
                new Money(5997L, "GBP"));
        bed.request(Requests.capture(order, requestId(orderId)));

        EffectOutcome refunded = bed.request(Requests.refund(order, requestId(orderId)));
        EffectOutcome repeated = bed.request(Requests.refund(order, requestId(orderId)));

        assertThat(refunded.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(refunded.getReference()).startsWith("re_");
        assertThat(refunded.getAmount()).isEqualTo(new Money(5997L, "GBP"));
        assertThat(repeated.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(repeated.getReference()).isEqualTo(refunded.getReference());
        Books books = bed.gateway().books(orderId);
        assertThat(books.of("refund")).singleElement()
                .satisfies(r -> assertThat(r.objectId()).isEqualTo(refunded.getReference()))
                .satisfies(r -> assertThat(r.amountMinor()).isEqualTo(5997));
        assertThat(books.sum("capture")).isEqualTo(5997);
    }

    @Test
    void refundWithoutACaptureFails() {
        String orderId = newOrderId("norefund");

        EffectOutcome outcome = bed.request(Requests.refund(Requests.order(orderId, "pm_card_ok"), requestId(orderId)));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getReason()).isEqualTo("order " + orderId + " has no captured payment to refund");
        assertThat(bed.gateway().books(orderId).entries()).isEmpty();
    }

    static Stream<Arguments> unsendable() {
        return Stream.of(
                Arguments.of("non-ASCII order id", newOrderId("b-ünï-日本-🚀"),
                        "payment gateway refused the payment: POST v1/authorizations cannot be sent: "),
                Arguments.of("10,000-character order id", newOrderId("x".repeat(10_000)),
                        "payment gateway refused the payment: HTTP 431 http_431: "));
    }

    /**
     * Requests the gateway can never take (orders placed before the input rules, or by a careless upstream) are
     * answered FAILED once, with a one-line reason, never retried: the sandbox's web server answers an over-long
     * header with 431 and an HTML page.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unsendable")
    void aPermanentErrorIsAnsweredFailedOnceAndLoggedOnce(String row, String orderId, String reasonStart)
            throws Exception {
        String requestId = requestId(orderId);
        try (LogCapture log = LogCapture.start()) {
            EffectOutcome outcome = bed.request(Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId));

            assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
            assertThat(outcome.getReason()).startsWith(reasonStart).hasSizeLessThan(300).doesNotContain("<");
            assertThat(bed.payment(requestId).status()).isEqualTo(Payment.Status.FAILED);
            // Several resume intervals (300 ms) later: still one answer, and no retry loop in the log.
            Thread.sleep(2_000);
            assertThat(bed.outcomes().answers(orderId, requestId)).hasSize(1);
            List<String> lines = log.linesWith(requestId.substring(0, Math.min(60, requestId.length())));
            assertThat(lines).as("log lines about %s", row).hasSize(1)
                    .allSatisfy(line -> assertThat(line).startsWith("INFO").contains("FAILED"));
        }
    }
}
