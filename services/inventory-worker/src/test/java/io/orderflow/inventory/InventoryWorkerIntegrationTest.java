package io.orderflow.inventory;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.common.testing.EffectRequests.requestId;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.testing.EffectRequests;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Shortage;
import io.orderflow.schema.Transition;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worker against the real broker and database: each stock effect, its outcome, and the stock after it. */
class InventoryWorkerIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static Testbed bed;

    @BeforeAll
    static void startWorker() {
        bed = new Testbed(kafka, schema);
        bed.startWorker();
    }

    @AfterAll
    static void stopWorker() {
        bed.close();
    }

    @AfterEach
    void stockInvariantHolds() {
        assertThat(bed.discrepancies()).isEmpty();
    }

    @Test
    void reserveHoldsEveryLineOfTheOrder() {
        String a = bed.newSku("A", 10);
        String b = bed.newSku("B", 5);
        String order = newOrderId("reserve");
        String request = requestId(order);

        EffectOutcome outcome = bed.request(Requests.reserve(order, request,
                List.of(new Line(a, 2), new Line(b, 1), new Line(a, 1))));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getEffect()).isEqualTo(Effect.RESERVE_STOCK);
        assertThat(outcome.getOutcomeId()).isEqualTo(request + "-succeeded");
        assertThat(outcome.getReason()).isEqualTo("reserved " + a + " x3, " + b + " x1");
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 10, 3));
        assertThat(bed.level(b)).isEqualTo(new StockLevel(b, 5, 1));
        assertThat(bed.reservations(order, Inventory.ACTIVE)).containsExactly(
                new Reservation(request, order, a, 3), new Reservation(request, order, b, 1));
    }

    @Test
    void reserveIsAllOrNoneWhenOneSkuIsShort() {
        String a = bed.newSku("A", 10);
        String b = bed.newSku("B", 1);
        String order = newOrderId("short");

        EffectOutcome outcome = bed.request(Requests.reserve(order, requestId(order),
                List.of(new Line(a, 2), new Line(b, 3))));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getReason()).isEqualTo("out of stock: " + b + " (requested 3, available 1)");
        assertThat(outcome.getShortages()).containsExactly(new Shortage(b, 3, 1));
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 10, 0));
        assertThat(bed.level(b)).isEqualTo(new StockLevel(b, 1, 0));
        assertThat(bed.reservations(order, Inventory.ACTIVE)).isEmpty();
    }

    @Test
    void reserveOfAnUnknownSkuFailsNamingIt() {
        String a = bed.newSku("A", 1);
        String order = newOrderId("unknown");

        EffectOutcome outcome = bed.request(Requests.reserve(order, requestId(order),
                List.of(new Line(a, 2), new Line("NO-SUCH-SKU", 1))));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getReason())
                .isEqualTo("unknown SKU: NO-SUCH-SKU; out of stock: " + a + " (requested 2, available 1)");
        assertThat(outcome.getShortages())
                .containsExactly(new Shortage(a, 2, 1), new Shortage("NO-SUCH-SKU", 1, 0));
        assertThat(bed.level(a).reserved()).isZero();
    }

    @Test
    void reserveWithAnInvalidQuantityFailsAndHoldsNothing() {
        String a = bed.newSku("A", 5);
        String order = newOrderId("invalid");

        EffectOutcome outcome = bed.request(Requests.reserve(order, requestId(order),
                List.of(new Line(a, 1), new Line(a, 0))));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.FAILED);
        assertThat(outcome.getReason()).isEqualTo("invalid quantity 0 for " + a + " (must be at least 1)");
        assertThat(bed.level(a).reserved()).isZero();
    }

    @Test
    void cancelReleasesReservation() {
        String a = bed.newSku("A", 4);
        String order = newOrderId("cancel");
        String reserve = requestId(order);
        bed.request(Requests.reserve(order, reserve, List.of(new Line(a, 4))));
        assertThat(bed.level(a).available()).isZero();

        EffectOutcome released = bed.request(Requests.release(order, requestId(order), null));

        assertThat(released.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(released.getReason()).isEqualTo("released " + a + " x4 (reservation " + reserve + ")");
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 4, 0));
        assertThat(bed.reservations(order, Inventory.RELEASED)).containsExactly(new Reservation(reserve, order, a, 4));
        // The released stock is free for the next order at once.
        String next = newOrderId("next");
        assertThat(bed.request(Requests.reserve(next, requestId(next), List.of(new Line(a, 4)))).getStatus())
                .isEqualTo(OutcomeStatus.SUCCEEDED);
    }

    @Test
    void releaseWithATargetReleasesOnlyThatReservation() {
        String a = bed.newSku("A", 10);
        String order = newOrderId("target");
        String first = requestId(order);
        String second = requestId(order);
        bed.request(Requests.reserve(order, first, List.of(new Line(a, 2))));
        bed.request(Requests.reserve(order, second, List.of(new Line(a, 3))));

        EffectOutcome released = bed.request(Requests.release(order, requestId(order), first));

        assertThat(released.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 10, 3));
        assertThat(bed.reservations(order, Inventory.ACTIVE)).containsExactly(new Reservation(second, order, a, 3));
    }

    @Test
    void releaseWithNothingHeldSucceedsSayingSo() {
        String order = newOrderId("nothing");

        EffectOutcome all = bed.request(Requests.release(order, requestId(order), null));
        EffectOutcome target = bed.request(Requests.release(order, requestId(order), order + "-r999"));

        assertThat(all.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(all.getReason()).isEqualTo("nothing to release: order " + order + " holds no active reservation");
        assertThat(target.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(target.getReason())
                .isEqualTo("nothing to release: order " + order + " holds no reservation from request " + order + "-r999");
    }

    @Test
    void deductOnShipThenRestoreOnUnship() {
        String a = bed.newSku("A", 10);
        String b = bed.newSku("B", 10);
        String order = newOrderId("ship");
        String reserve = requestId(order);
        List<Line> lines = List.of(new Line(a, 2), new Line(b, 5));
        bed.request(Requests.reserve(order, reserve, lines));

        EffectOutcome deducted = bed.request(Requests.deduct(order, requestId(order), lines));

        assertThat(deducted.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 8, 0));
        assertThat(bed.level(b)).isEqualTo(new StockLevel(b, 5, 0));
        assertThat(bed.reservations(order, Inventory.CONSUMED)).hasSize(2);
        assertThat(bed.reservations(order, Inventory.ACTIVE)).isEmpty();
        // Shipped stock is gone: a cancel-style release finds nothing to release.
        assertThat(bed.request(Requests.release(order, requestId(order), null)).getReason())
                .startsWith("nothing to release");

        EffectOutcome restored = bed.request(Requests.restore(order, requestId(order), lines));

        assertThat(restored.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 10, 2));
        assertThat(bed.level(b)).isEqualTo(new StockLevel(b, 10, 5));
        assertThat(bed.reservations(order, Inventory.ACTIVE)).containsExactly(
                new Reservation(reserve, order, a, 2), new Reservation(reserve, order, b, 5));
        // Nothing consumed any more, so a second restore has nothing to do.
        assertThat(bed.request(Requests.restore(order, requestId(order), lines)).getReason())
                .isEqualTo("nothing to restore: order " + order + " holds no shipped (consumed) reservation");
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 10, 2));
    }

    @Test
    void deductWithNothingReservedSucceedsSayingSo() {
        String order = newOrderId("deduct-nothing");

        EffectOutcome outcome = bed.request(Requests.deduct(order, requestId(order), List.of()));

        assertThat(outcome.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(outcome.getReason()).isEqualTo("nothing to deduct: order " + order + " holds no active reservation");
    }

    @Test
    void aRedeliveredRequestChangesNothing() {
        String a = bed.newSku("A", 10);
        String order = newOrderId("redelivered");
        String reserve = requestId(order);
        OrderEvent event = Requests.reserve(order, reserve, List.of(new Line(a, 3)));

        bed.send(event);
        bed.send(event);                  // the same event id: skipped by the consumer
        bed.send(EffectRequests.again(event));  // the same request, new event id: answered again, stock untouched
        // One partition per order: once a later request of the order is answered, the repeats were handled.
        bed.request(Requests.release(order, requestId(order), order + "-r0"));

        List<EffectOutcome> answers = bed.outcomes().answers(order, reserve);
        assertThat(answers).hasSize(2);
        assertThat(answers.get(1)).isEqualTo(answers.get(0));
        assertThat(answers.get(0).getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(bed.level(a)).isEqualTo(new StockLevel(a, 10, 3));
        assertThat(bed.reservations(order, Inventory.ACTIVE)).containsExactly(new Reservation(reserve, order, a, 3));
        assertThat(bed.count("select count(*) from answered_requests where request_id = '" + reserve + "'"))
                .isEqualTo(1);
    }

    @Test
    void eventsThatAreNotStockRequestsAreNotAnsweredAndOtherOrdersGoOn() {
        String order = newOrderId("other");
        String capture = requestId(order);
        bed.send(Requests.request(order, List.of(), Requests.requested(capture, Transition.PAY,
                Effect.CAPTURE_PAYMENT, false, null)));

        // The misrouted request is dead-lettered, and its order's later requests wait behind it (parked), so the
        // worker shows it goes on with another order.
        String next = newOrderId("next");
        bed.request(Requests.release(next, requestId(next), null));

        assertThat(bed.outcomes().answers(order, capture)).isEmpty();
    }
}
