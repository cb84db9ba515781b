package io.orderflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.admin.orders.Amounts;
import io.orderflow.admin.projection.Projection;
import io.orderflow.admin.projection.Projector;
import io.orderflow.admin.reports.Reports;
import io.orderflow.admin.testing.AdminSystem;
import io.orderflow.admin.testing.ApiClient;
import io.orderflow.admin.testing.WebClient;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.LedgerEntryKind;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine choreographed, with this test as the workers and the audit worker: a transition in flight shows its
 * request, why, since when and its deadline (the request travels on the worker's topic, not orders.events), the
 * worker's answer ends it, and a refund is held against the 24-hour promise until the finance ledger posts it.
 */
class InFlightAndLedgerTest {
    @RegisterExtension
    static final AdminSystem SYSTEM = AdminSystem.choreographed();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    private final ApiClient api = new ApiClient(SYSTEM, SYSTEM.userWithToken("flight-" + RUN, Role.ADMIN));

    private JsonNode order(String id) throws Exception {
        return api.get("/api/orders/" + id).body().path("order");
    }

    /** Waits until the order has this transition in flight with its request projected; returns the order. */
    private JsonNode inFlight(String id, String transition) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            found[0] = order(id);
            return transition.equals(found[0].path("inFlight").asText(null))
                    && found[0].hasNonNull("inFlightRequest");
        });
        return found[0];
    }

    /** Answers the in-flight request as its worker would: SUCCEEDED, with a reference and the amount moved. */
    private void succeed(JsonNode order, String reference) {
        Effect effect = Effect.valueOf(order.path("inFlightEffect").asText());
        Topic<String, EffectOutcome> outcomes = Topics.OUTCOMES.get(Topics.REQUESTS.indexOf(Topics.requestsFor(effect)));
        SYSTEM.publish(outcomes, order.path("orderId").asText(), EffectOutcome.newBuilder()
                .setOutcomeId(UUID.randomUUID().toString())
                .setOrderId(order.path("orderId").asText())
                .setRequestId(order.path("inFlightRequest").asText())
                .setEffect(effect)
                .setStatus(OutcomeStatus.SUCCEEDED)
                .setOccurredAt(Instant.now())
                .setReference(reference)
                .setTrackingNumber(effect == Effect.CREATE_LABEL ? "TRACK-" + RUN : null)
                .setAmount(effect == Effect.CAPTURE_PAYMENT || effect == Effect.REFUND_PAYMENT
                        ? new Money(2999L, "EUR") : null)
                .build());
    }

    private void stateBecomes(String id, String state) {
        await().atMost(Duration.ofSeconds(60)).until(() -> state.equals(order(id).path("state").asText())
                && order(id).path("inFlight").isNull());
    }

    @Test
    void anInFlightTransitionShowsItsRequestAndDeadlineUntilTheWorkerAnswersAndARefundWaitsForTheLedger()
            throws Exception {
        String id = "flight-" + RUN;
        assertThat(api.place(id, "flight@example.com").status()).isEqualTo(200);

        // Choreographed, the engine takes the automatic path itself: it asks the inventory worker to reserve.
        JsonNode confirming = inFlight(id, "CONFIRM");
        assertThat(confirming.path("inFlightEffect").asText()).isEqualTo("RESERVE_STOCK");
        assertThat(confirming.path("inFlightRequest").asText()).startsWith(id + "-r");
        assertThat(confirming.path("inFlightActor").asText()).isNotBlank();
        Instant since = Instant.parse(confirming.path("inFlightSince").asText());
        Instant deadline = Instant.parse(confirming.path("inFlightDeadline").asText());
        assertThat(deadline).isAfter(since);
        WebClient web = new WebClient(SYSTEM);
        web.login("admin", AdminSystem.ADMIN_PASSWORD);
        String page = web.get("/orders/" + id).body();
        assertThat(page).contains("confirm in flight", "waiting for the inventory worker to reserve stock",
                confirming.path("inFlightRequest").asText(), "id=\"in-flight-deadline\"");

        succeed(confirming, null);
        JsonNode paying = inFlight(id, "PAY");
        assertThat(paying.path("state").asText()).isEqualTo("CONFIRMED");
        assertThat(paying.path("inFlightRequest").asText()).isNotEqualTo(confirming.path("inFlightRequest").asText());
        succeed(paying, "ch_" + RUN);
        succeed(inFlight(id, "SHIP"), "label_" + RUN);
        stateBecomes(id, "SHIPPED");
        assertThat(api.transition(id, "refund", "arrived damaged").body().path("status").asText())
                .isEqualTo("IN_FLIGHT");
        JsonNode refunding = inFlight(id, "REFUND");
        assertThat(refunding.path("inFlightEffect").asText()).isEqualTo("REFUND_PAYMENT");
        succeed(refunding, "re_" + RUN);
        stateBecomes(id, "REFUNDED");

        Reports reports = new Reports(SYSTEM.jdbi(), Clock.systemUTC());
        Reports.Refund open = refundOf(reports, id);
        assertThat(open.refundedAt()).isNotNull();
        assertThat(open.postedAt()).as("not posted to the ledger yet").isNull();
        assertThat(open.took()).isEqualTo("open");

        Instant posted = Instant.now();
        SYSTEM.publish(Topics.FINANCE_LEDGER, id, LedgerEntry.newBuilder()
                .setEntryId("ledger-" + RUN).setOrderId(id).setKind(LedgerEntryKind.REFUND)
                .setAmount(new Money(2999L, "EUR")).setPaymentReference("re_" + RUN).setOutcomeId("outcome-" + RUN)
                .setRequestId(refunding.path("inFlightRequest").asText()).setOccurredAt(posted).setPostedAt(posted)
                .build());
        await().atMost(Duration.ofSeconds(60)).until(() -> refundOf(reports, id).postedAt() != null);
        Reports.Refund kept = refundOf(reports, id);
        assertThat(kept.amount()).isEqualTo(Amounts.format(2999L, "EUR"));
        assertThat(kept.breached()).isFalse();
        assertThat(web.get("/reports").body()).contains(id, "kept");

        // Records of one order reach the projector from several topics in any order: the row comes out the same.
        String before = row(id);
        List<OrderEvent> records = SYSTEM.records(Projector.ORDER_TOPICS, id);
        assertThat(records).hasSizeGreaterThan(8); // placed, 4 requests, 4 state changes
        List<OrderEvent> reversed = new ArrayList<>(records);
        Collections.reverse(reversed);
        SYSTEM.jdbi().useTransaction(h -> {
            h.execute("delete from orders where order_id = ?", id);
            reversed.forEach(e -> Projection.apply(h, e));
        });
        assertThat(row(id)).isEqualTo(before);
        // And the same as one batch, in either order (the projector's batches take an order's records in rounds).
        for (List<OrderEvent> batch : List.of(records, reversed)) {
            SYSTEM.jdbi().useTransaction(h -> {
                h.execute("delete from orders where order_id = ?", id);
                Projection.applyAll(h, batch);
            });
            assertThat(row(id)).isEqualTo(before);
        }
    }

    private static Reports.Refund refundOf(Reports reports, String id) {
        return reports.refunds(1000).stream().filter(r -> r.orderId().equals(id)).findFirst().orElseThrow();
    }

    private static String row(String id) {
        return SYSTEM.jdbi().withHandle(h -> h.createQuery("select * from orders where order_id = :id")
                .bind("id", id).mapToMap().one().toString());
    }
}
