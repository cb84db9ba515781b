package io.orderflow.payment;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.common.testing.EffectRequests.requestId;
import static io.orderflow.common.testing.EffectRequests.requestIdOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.payment.GatewayLedger.Books;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OutcomeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A worker stopped in the middle of a stream of payments and started again loses no payment and repeats none. */
class PaymentWorkerRestartIntegrationTest {
    private static final int ORDERS = 30;

    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static Testbed bed;

    @BeforeAll
    static void start() {
        bed = new Testbed(kafka, schema);
    }

    @AfterAll
    static void stop() {
        bed.close();
    }

    @Test
    void workerClosedMidStreamAndRestartedChargesEveryOrderExactlyOnce() {
        // A slow gateway, so the stream is still going when the worker stops; some answers get lost after the
        // charge, so some requests are repeated across the restart.
        bed.gateway().fault("""
                [{"method": "POST", "pathPrefix": "/v1/", "kind": "afterEffect", "respond": "drop", "probability": 0.15},
                 {"method": "POST", "pathPrefix": "/v1/", "kind": "latency", "ms": 100}]""");
        PaymentWorker first = bed.startWorker(bed.workerConfig());
        List<OrderEvent> captures = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String orderId = newOrderId("stream");
            captures.add(Requests.capture(Requests.order(orderId, "pm_card_ok"), requestId(orderId)));
        }
        captures.forEach(bed::send);
        await("a few payments done").atMost(Duration.ofSeconds(30)).until(() -> answered(captures) >= 5);

        bed.stopWorker(first);
        int beforeRestart = answered(captures);
        assertThat(beforeRestart).as("stopped mid-stream").isLessThan(ORDERS);
        bed.startWorker(bed.workerConfig());

        await("every payment answered").atMost(Duration.ofSeconds(60)).until(() -> answered(captures) == ORDERS);
        for (OrderEvent capture : captures) {
            EffectOutcome outcome = bed.outcomes().awaitFinal(capture.getOrderId(), requestIdOf(capture));
            assertThat(outcome.getStatus()).as(capture.getOrderId()).isEqualTo(OutcomeStatus.SUCCEEDED);
            Books books = bed.gateway().books(capture.getOrderId());
            assertThat(books.of("capture")).as("captures of " + capture.getOrderId()).singleElement()
                    .satisfies(c -> assertThat(c.amountMinor()).isEqualTo(2999))
                    .satisfies(c -> assertThat(c.objectId()).isEqualTo(outcome.getReference()));
            assertThat(books.count("authorization")).as("authorizations of " + capture.getOrderId()).isEqualTo(1);
        }
    }

    private static int answered(List<OrderEvent> captures) {
        return (int) captures.stream()
                .filter(c -> bed.outcomes().answers(c.getOrderId(), requestIdOf(c)).stream()
                        .anyMatch(o -> o.getStatus() == OutcomeStatus.SUCCEEDED || o.getStatus() == OutcomeStatus.FAILED))
                .count();
    }
}
