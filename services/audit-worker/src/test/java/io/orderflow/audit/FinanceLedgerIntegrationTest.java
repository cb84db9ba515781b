package io.orderflow.audit;

import static io.orderflow.audit.Messages.T0;
import static io.orderflow.audit.Messages.TOTAL;
import static io.orderflow.audit.Messages.outcome;
import static io.orderflow.audit.Messages.requested;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.audit.finance.RefundSla;
import io.orderflow.audit.finance.RefundSlaMonitor;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.LedgerEntryKind;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The finance ledger and the refund deadline, against the real broker and database. */
class FinanceLedgerIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private AuditTestbed bed;

    @BeforeEach
    void setUp() {
        bed = new AuditTestbed(kafka);
        bed.start();
    }

    @AfterEach
    void tearDown() {
        bed.close();
    }

    @Test
    void aRefundIsPostedToTheLedgerTableAndTopicOnceEvenWhenItsOutcomeIsRedelivered() {
        String order = "o-fin-1";
        OrderEvent captureRequest = requested(order, 2, OrderState.CONFIRMED, order + "-r2", Transition.PAY,
                Effect.CAPTURE_PAYMENT, T0);
        EffectOutcome captured = outcome(order, order + "-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.SUCCEEDED, null,
                new Money(2_500L, "EUR"), "ch_" + order, T0.plusSeconds(1));
        OrderEvent refundRequest = requested(order, 5, OrderState.DELIVERED, order + "-r6", Transition.REFUND,
                Effect.REFUND_PAYMENT, T0.plusSeconds(60));
        // The payment worker reports no amount for this refund: the ledger takes the order total from the request.
        EffectOutcome refunded = outcome(order, order + "-r6", Effect.REFUND_PAYMENT, OutcomeStatus.SUCCEEDED, null,
                null, "re_" + order, T0.plusSeconds(61));
        EffectOutcome declined = outcome(order, order + "-r1", Effect.CAPTURE_PAYMENT, OutcomeStatus.FAILED,
                "card declined", null, null, T0.plusSeconds(62));

        bed.send(captureRequest);
        bed.sendPayment(captured);
        bed.send(refundRequest);
        bed.awaitAudited(refundRequest.getEventId());
        bed.sendPayment(refunded);
        bed.sendPayment(refunded);
        bed.sendPayment(declined);
        bed.sendPayment(refunded);
        bed.awaitAudited(declined.getOutcomeId());

        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from ledger_entries") == 2
                && bed.count("select count(*) from outbox") == 0);
        Map<String, Object> refund = bed.jdbi.withHandle(h -> h.createQuery(
                "select kind, amount_minor, currency, amount_source, payment_reference, request_id "
                        + "from ledger_entries where outcome_id = :id").bind("id", refunded.getOutcomeId())
                .mapToMap().one());
        assertThat(refund).containsEntry("kind", "REFUND").containsEntry("amount_minor", 2_500L)
                .containsEntry("currency", "EUR").containsEntry("amount_source", "ORDER_TOTAL")
                .containsEntry("payment_reference", "re_" + order).containsEntry("request_id", order + "-r6");
        assertThat(bed.count("select count(*) from ledger_entries where outcome_id = ? and amount_source = 'OUTCOME'",
                captured.getOutcomeId())).isEqualTo(1);

        List<LedgerEntry> published = kafka.readAll(bed.topics.financeLedger().name()).stream()
                .map(this::decode).toList();
        assertThat(published).extracting(LedgerEntry::getOutcomeId)
                .containsExactlyInAnyOrder(captured.getOutcomeId(), refunded.getOutcomeId());
        LedgerEntry entry = published.stream().filter(e -> e.getKind() == LedgerEntryKind.REFUND).findFirst()
                .orElseThrow();
        assertThat(entry.getOrderId()).isEqualTo(order);
        assertThat(entry.getAmount()).isEqualTo(TOTAL);
        assertThat(entry.getPaymentReference()).isEqualTo("re_" + order);
        assertThat(entry.getOccurredAt()).isEqualTo(T0.plusSeconds(61));
        assertThat(entry.getPostedAt()).isEqualTo(bed.clock.instant());

        // A restart that reads payment.events from the beginning again posts nothing new.
        bed.stop();
        bed.rewindConsumers();
        bed.start();
        EffectOutcome marker = outcome("o-fin-1-marker", "o-fin-1-marker-r1", Effect.CAPTURE_PAYMENT,
                OutcomeStatus.SUCCEEDED, null, new Money(100L, "EUR"), "ch_m", T0);
        bed.sendPayment(marker);
        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from ledger_entries") == 3
                && bed.count("select count(*) from outbox") == 0);
        List<ConsumerRecord<byte[], byte[]>> all = kafka.readAll(bed.topics.financeLedger().name());
        assertThat(all).extracting(r -> decode(r).getOutcomeId()).containsExactlyInAnyOrder(
                captured.getOutcomeId(), refunded.getOutcomeId(), marker.getOutcomeId());
        assertThat(all).allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                .isEqualTo(decode(r).getOrderId()));
    }

    @Test
    void aRefundWhoseOutcomeArrivesBeforeItsRequestIsPostedOnceTheRequestIsAudited() {
        String order = "o-fin-2";
        EffectOutcome refunded = outcome(order, order + "-r4", Effect.REFUND_PAYMENT, OutcomeStatus.SUCCEEDED, null,
                null, "re_" + order, T0.plusSeconds(5));
        bed.sendPayment(refunded);
        bed.awaitAudited(refunded.getOutcomeId());
        assertThat(bed.count("select count(*) from ledger_entries")).isZero();

        bed.send(requested(order, 4, OrderState.PAID, order + "-r4", Transition.REFUND, Effect.REFUND_PAYMENT, T0));
        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from ledger_entries "
                + "where outcome_id = ? and amount_minor = 2500 and amount_source = 'ORDER_TOTAL'",
                refunded.getOutcomeId()) == 1);
        kafka.readUntil(bed.topics.financeLedger(), records -> records.size() == 1, AuditTestbed.WAIT);

        // Audited before its request, the outcome's row has no correlation id; the audit_trail view supplies it.
        assertThat(bed.row(refunded.getOutcomeId()).orElseThrow().entry().correlationId()).isNull();
        String resolved = bed.jdbi.withHandle(h -> h.createQuery(
                        "select resolved_correlation_id from audit_trail where message_id = :id")
                .bind("id", refunded.getOutcomeId()).mapTo(String.class).one());
        assertThat(resolved).isEqualTo(Messages.correlation(order));
    }

    @Test
    void outcomesThatMoveNoMoneyOrRepeatARefundInTheLedgerPostNothing() {
        String order = "o-fin-4";
        String nothing = "o-fin-4-nothing";
        bed.send(requested(order, 2, OrderState.CONFIRMED, order + "-r1", Transition.PAY, Effect.CAPTURE_PAYMENT, T0));
        bed.send(requested(order, 3, OrderState.PAID, order + "-r2", Transition.REFUND, Effect.REFUND_PAYMENT, T0));
        bed.send(requested(order, 3, OrderState.PAID, order + "-r3", Transition.REFUND, Effect.REFUND_PAYMENT, T0));
        bed.send(requested(nothing, 3, OrderState.PAID, nothing + "-r2", Transition.REFUND, Effect.REFUND_PAYMENT,
                T0));
        bed.awaitAudited(nothing + "-v3-" + nothing + "-r2");
        // As the payment worker answers: money moved (with its amount), then repeats that move nothing.
        bed.sendPayment(outcome(order, order + "-r1", Effect.CAPTURE_PAYMENT, OutcomeStatus.SUCCEEDED, null, TOTAL,
                "ch_4", T0.plusSeconds(1)));
        bed.sendPayment(outcome(order, order + "-r2", Effect.REFUND_PAYMENT, OutcomeStatus.SUCCEEDED, null, TOTAL,
                "re_4", T0.plusSeconds(2)));
        bed.sendPayment(outcome(order, order + "-r3", Effect.REFUND_PAYMENT, OutcomeStatus.SUCCEEDED,
                "nothing to undo: capture " + order + "-r1 was already given back by " + order + "-r2", null, "re_4",
                T0.plusSeconds(3)));
        bed.sendPayment(outcome(nothing, nothing + "-r2", Effect.REFUND_PAYMENT, OutcomeStatus.SUCCEEDED,
                "nothing to undo: capture " + nothing + "-r1 took no money (card declined)", null, null,
                T0.plusSeconds(4)));
        bed.awaitAudited(nothing + "-r2-succeeded");
        bed.awaitAudited(order + "-r3-succeeded");
        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from outbox") == 0);

        assertThat(bed.count("select count(*) from ledger_entries where order_id = ?", order)).isEqualTo(2);
        assertThat(bed.count("select count(*) from ledger_entries where order_id = ?", nothing)).isZero();
        assertThat(bed.count("select count(*) from ledger_skipped_outcomes where outcome_id = ? and why = ?",
                order + "-r3-succeeded", "ALREADY_POSTED")).isEqualTo(1);
        assertThat(bed.count("select count(*) from ledger_skipped_outcomes where outcome_id = ? and why = ?",
                nothing + "-r2-succeeded", "NOTHING_MOVED")).isEqualTo(1);
        assertThat(kafka.readAll(bed.topics.financeLedger().name())).extracting(r -> decode(r).getOutcomeId())
                .containsExactlyInAnyOrder(order + "-r1-succeeded", order + "-r2-succeeded");

        // Neither order owes a refund: one was posted, the other had no money to give back.
        bed.clock.set(T0.plus(Duration.ofDays(2)));
        assertThat(bed.worker().refundSla().check()).isEmpty();
    }

    @Test
    void theSlaCheckCountsARefundNotPostedOnceItsDeadlinePasses() {
        String order = "o-fin-3";
        String posted = "o-fin-3-posted";
        OrderEvent refundRequest = requested(order, 4, OrderState.PAID, order + "-r4", Transition.REFUND,
                Effect.REFUND_PAYMENT, T0);
        OrderEvent postedRequest = requested(posted, 4, OrderState.PAID, posted + "-r4", Transition.REFUND,
                Effect.REFUND_PAYMENT, T0);
        bed.send(refundRequest);
        bed.send(postedRequest);
        bed.sendPayment(outcome(posted, posted + "-r4", Effect.REFUND_PAYMENT, OutcomeStatus.SUCCEEDED, null, TOTAL,
                "re_1", T0.plusSeconds(30)));
        bed.awaitAudited(refundRequest.getEventId());
        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from ledger_entries") == 1);
        RefundSlaMonitor sla = bed.worker().refundSla();

        bed.clock.set(T0.plus(Duration.ofHours(24)).minusSeconds(1));
        assertThat(sla.check()).isEmpty();
        assertThat(gauge()).isZero();

        bed.clock.set(T0.plus(Duration.ofHours(24)).plusSeconds(1));
        List<RefundSla.OverdueRefund> overdue = sla.check();
        assertThat(overdue).extracting(RefundSla.OverdueRefund::orderId, RefundSla.OverdueRefund::requestId,
                        RefundSla.OverdueRefund::requestedAt)
                .containsExactly(Tuple.tuple(order, order + "-r4", T0));
        assertThat(gauge()).isEqualTo(1.0);
        AuditTestbed.AdminRun admin = bed.admin("sla");
        assertThat(admin.exitCode()).as(admin.out()).isEqualTo(AuditAdmin.BROKEN);
        assertThat(admin.out()).contains("OVERDUE order " + order + ": refund requested " + T0)
                .contains("no outcome from the payment worker yet")
                .contains("1 refund not posted within 24h");
        assertThat(bed.admin("sla", "--deadline", "48h").exitCode()).isZero();

        // A failed attempt leaves it owed (and says why); the refund that succeeds settles it.
        bed.sendPayment(outcome(order, order + "-r4", Effect.REFUND_PAYMENT, OutcomeStatus.FAILED, "gateway timeout",
                null, null, bed.clock.instant()));
        bed.awaitAudited(order + "-r4-failed");
        assertThat(sla.check()).singleElement().extracting(RefundSla.OverdueRefund::lastOutcome)
                .isEqualTo("FAILED: gateway timeout");
        OrderEvent retry = requested(order, 4, OrderState.PAID, order + "-r5", Transition.REFUND,
                Effect.REFUND_PAYMENT, bed.clock.instant());
        bed.send(retry);
        bed.sendPayment(outcome(order, order + "-r5", Effect.REFUND_PAYMENT, OutcomeStatus.SUCCEEDED, null, null,
                "re_2", bed.clock.instant()));
        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from ledger_entries") == 2);
        assertThat(sla.check()).isEmpty();
        assertThat(gauge()).isZero();
    }

    private LedgerEntry decode(ConsumerRecord<byte[], byte[]> record) {
        return bed.topics.financeLedger().valueSerde().deserializer().deserialize(record.topic(), record.value());
    }

    private double gauge() {
        return bed.registry.get(RefundSlaMonitor.GAUGE).gauge().value();
    }
}
