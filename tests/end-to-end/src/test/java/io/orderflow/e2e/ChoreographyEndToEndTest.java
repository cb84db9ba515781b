package io.orderflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Orders through the engine and all three effect workers, against real Kafka, PostgreSQL and the sandboxes. Here
 * each service is started on its own; {@link OneHostEndToEndTest} and {@link TwoHostsEndToEndTest} run the same
 * tests on services started through service hosts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)   // so a subclass can say how to start the system
class ChoreographyEndToEndTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String PLENTY = "SKU-" + RUN + "-PLENTY";
    private static final String SCARCE = "SKU-" + RUN + "-SCARCE";
    private static final String FEW = "SKU-" + RUN + "-FEW";
    private static final String SPARE = "SKU-" + RUN + "-SPARE";
    private static final String ADDRESS = "Ann Smith, 1 Main St, 10115 Berlin, DE";

    // Each test works on SKUs of its own, so the tests can run in any order.
    static final String STOCK = PLENTY + ":1000," + SCARCE + ":1," + FEW + ":40," + SPARE + ":10";

    /** The system under test, one per test class (the helpers below are static). */
    static Choreography system;

    /** How this class starts the services: each on its own. Subclasses run the same tests on another way. */
    Choreography startSystem() throws Exception {
        return Choreography.standalone(STOCK);
    }

    @BeforeAll
    void start() throws Exception {
        system = startSystem();
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
            system = null;
        }
    }

    private static OrderCommand place(String orderId, String paymentMethod, OrderLine... lines) {
        String customer = "cus-" + RUN;
        return OrderCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString()).setOrderId(orderId).setTransition(Transition.PLACE)
                .setActor(new Actor(customer, Role.CUSTOMER)).setCorrelationId("corr-" + orderId)
                .setIssuedAt(Instant.now())
                .setDetails(new OrderDetails(customer, "ann@example.com", List.of(lines), paymentMethod, ADDRESS))
                .build();
    }

    private static OrderLine line(String sku, int quantity) {
        return new OrderLine(sku, quantity, new Money(1_250L, "EUR"));
    }

    private static OrderState stateOf(String orderId) {
        OrderEvent last = system.last(orderId);
        return last == null ? null : last.getOrder().getState();
    }

    /** The order's events, one per line, for failure messages. */
    private static String history(String orderId) {
        StringBuilder out = new StringBuilder(orderId).append(":");
        for (OrderEvent e : system.events(orderId)) {
            out.append("\n  ").append(e.getEventId()).append(' ').append(e.getBody());
        }
        return out.toString();
    }

    private static List<OrderState> path(String orderId) {
        return system.events(orderId).stream().filter(e -> e.getBody() instanceof StateChanged)
                .map(e -> ((StateChanged) e.getBody()).getToState()).toList();
    }

    @Test
    void placedOrderIsDrivenToDeliveredWithOneCaptureOneLabelAndItsStockShipped() throws Exception {
        String id = system.orderId("happy");
        long onHandBefore = system.onHand(PLENTY);

        system.send(place(id, "pm_card_ok", line(PLENTY, 2)));

        await().atMost(Duration.ofSeconds(60)).until(() -> stateOf(id) == OrderState.DELIVERED);
        assertThat(path(id)).containsExactly(OrderState.PENDING, OrderState.CONFIRMED, OrderState.PAID,
                OrderState.SHIPPED, OrderState.DELIVERED);
        OrderEvent delivered = system.last(id);
        assertThat(delivered.getOrder().getTrackingNumber()).isNotBlank();
        assertThat(delivered.getOrder().getPaymentReference()).isNotBlank();
        assertThat(delivered.getCorrelationId()).isEqualTo("corr-" + id);
        assertThat(system.ledger(id)).contains("\"captures\":1").contains("\"capturedMinor\":2500");
        assertThat(system.labels(id)).contains(delivered.getOrder().getTrackingNumber());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(system.onHand(PLENTY)).isEqualTo(onHandBefore - 2));
        assertThat(system.stockDiscrepancies()).isEmpty();
    }

    @Test
    void outOfStockOrderStaysPendingWithTheShortageAndHoldsNothing() throws Exception {
        String id = system.orderId("short");

        system.send(place(id, "pm_card_ok", line(PLENTY, 1), line(SCARCE, 5)));

        await().atMost(Duration.ofSeconds(30)).until(() -> system.events(id).stream()
                .anyMatch(e -> e.getBody() instanceof TransitionUpdate));
        OrderEvent rollback = system.last(id);
        assertThat(((TransitionUpdate) rollback.getBody()).getStatus()).isEqualTo(UpdateStatus.ROLLED_BACK);
        assertThat(rollback.getOrder().getState()).isEqualTo(OrderState.PENDING);
        assertThat(rollback.getOrder().getNote()).contains(SCARCE).contains("requested 5");
        assertThat(system.ledger(id)).contains("\"captures\":0");
        assertThat(system.reserved(SCARCE)).isZero();
        assertThat(system.stockDiscrepancies()).isEmpty();
    }

    @Test
    void declinedPaymentRollsBackThenTheUnpaidOrderIsCancelledAndItsStockReleased() throws Exception {
        String id = system.orderId("declined");
        system.send(place(id, "pm_card_declined", line(SPARE, 3)));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(stateOf(id)).as(history(id)).isEqualTo(OrderState.CANCELLED));
        assertThat(path(id)).containsExactly(OrderState.PENDING, OrderState.CONFIRMED, OrderState.CANCELLED);
        assertThat(system.events(id)).anySatisfy(e -> assertThat(e.getBody()).isInstanceOfSatisfying(
                TransitionUpdate.class, u -> assertThat(u.getReason()).contains("declined")));
        assertThat(system.ledger(id)).contains("\"captures\":0");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(system.reserved(SPARE)).isZero());
        assertThat(system.stockDiscrepancies()).isEmpty();
    }

    @Test
    void cancelRacingTheReservationLeavesNoStockHeld() throws Exception {
        String id = system.orderId("race");
        long reservedBefore = system.reserved(PLENTY);

        system.send(place(id, "pm_card_ok", line(PLENTY, 4)));
        system.send(OrderCommand.newBuilder().setCommandId(UUID.randomUUID().toString()).setOrderId(id)
                .setTransition(Transition.CANCEL).setActor(new Actor("sam", Role.SUPPORT))
                .setCorrelationId("corr-cancel-" + id).setIssuedAt(Instant.now()).setReason("customer called").build());

        await().atMost(Duration.ofSeconds(30)).until(() -> stateOf(id) == OrderState.CANCELLED);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(system.reserved(PLENTY)).isEqualTo(reservedBefore);
            assertThat(system.stockDiscrepancies()).isEmpty();
        });
        assertThat(system.ledger(id)).contains("\"captures\":0");
    }

    @Test
    void manyConcurrentOrdersOverFewSkusNeverOversell() throws Exception {
        // 40 units of FEW, 30 orders of 2: at most 20 can be confirmed.
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String id = system.orderId("crowd-" + i);
            ids.add(id);
            system.send(place(id, "pm_card_ok", line(FEW, 2)));
        }

        await().atMost(Duration.ofSeconds(120)).until(() -> ids.stream().allMatch(id ->
                stateOf(id) == OrderState.DELIVERED || (stateOf(id) == OrderState.PENDING
                        && system.last(id).getBody() instanceof TransitionUpdate)));
        long delivered = ids.stream().filter(id -> stateOf(id) == OrderState.DELIVERED).count();
        assertThat(delivered).isEqualTo(20L);
        assertThat(system.onHand(FEW) - system.reserved(FEW)).isGreaterThanOrEqualTo(0);
        assertThat(system.stockDiscrepancies()).isEmpty();
        for (String id : ids) {
            String expectedCaptures = stateOf(id) == OrderState.DELIVERED ? "\"captures\":1" : "\"captures\":0";
            assertThat(system.ledger(id)).as(id).contains(expectedCaptures);
        }
    }
}
