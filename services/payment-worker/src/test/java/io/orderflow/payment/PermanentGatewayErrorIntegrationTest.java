package io.orderflow.payment;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.common.testing.EffectRequests.requestId;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.testing.LogCapture;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.payment.store.Payment;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests the gateway can never take (orders placed before the input rules, or by a careless upstream) are answered
 * FAILED once, with a one-line reason, never retried: against the real sandbox gateway, whose web server answers an
 * over-long header with 431 and an HTML page.
 */
class PermanentGatewayErrorIntegrationTest {
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

    static Stream<Arguments> unsendable() {
        return Stream.of(
                Arguments.of("non-ASCII order id", newOrderId("b-ünï-日本-🚀"),
                        "payment gateway refused the payment: POST v1/authorizations cannot be sent: "),
                Arguments.of("10,000-character order id", newOrderId("x".repeat(10_000)),
                        "payment gateway refused the payment: HTTP 431 http_431: "));
    }

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
