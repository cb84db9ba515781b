package io.orderflow.audit;

import static io.orderflow.audit.Messages.T0;
import static io.orderflow.audit.Messages.correlation;
import static io.orderflow.audit.Messages.outcome;
import static io.orderflow.audit.Messages.person;
import static io.orderflow.audit.Messages.requested;
import static io.orderflow.audit.Messages.stateChanged;
import static io.orderflow.audit.Messages.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.orderflow.audit.log.AuditEntry;
import io.orderflow.audit.log.AuditRow;
import io.orderflow.audit.log.ChainVerifier;
import io.orderflow.audit.log.EventKind;
import io.orderflow.common.testing.EffectRequests;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import io.orderflow.schema.UpdateStatus;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The audit log against the real broker and database: one row per message, append-only, hash-chained. */
class AuditLogIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();

    private static final String INSUFFICIENT_PRIVILEGE = "42501";
    private static final String RESTRICT_VIOLATION = "23001";

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
    void everyEventAndOutcomeGetsOneRowWithActorTimeStatesReasonAndCorrelation() {
        String order = "o-audit-1";
        OrderEvent placed = stateChanged(order, 1, Transition.PLACE, null, OrderState.PENDING,
                person("c-7", Role.CUSTOMER), "web checkout", T0);
        OrderEvent reserve = requested(order, 1, OrderState.PENDING, order + "-r1", Transition.CONFIRM,
                Effect.RESERVE_STOCK, T0.plusSeconds(1));
        EffectOutcome reserved = outcome(order, order + "-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED, null,
                null, null, T0.plusSeconds(2));
        OrderEvent confirmed = stateChanged(order, 2, Transition.CONFIRM, OrderState.PENDING, OrderState.CONFIRMED,
                person("sam", Role.SUPPORT), "customer called", T0.plusSeconds(3));
        OrderEvent held = update(order, 2, OrderState.CONFIRMED, Transition.PAY, UpdateStatus.HELD,
                "payment gateway unavailable", T0.plusSeconds(4));
        EffectOutcome tracking = outcome(order, order + "-r9", Effect.TRACK_SHIPMENT, OutcomeStatus.UPDATE,
                "IN_TRANSIT", null, null, T0.plusSeconds(5));

        bed.send(placed);
        bed.send(reserve);
        bed.awaitAudited(reserve.getEventId());  // the outcome takes its correlation id from the audited request
        bed.sendInventory(reserved);
        bed.send(confirmed);
        bed.send(held);
        bed.sendShipping(tracking);

        AuditEntry place = bed.awaitAudited(placed.getEventId()).entry();
        assertThat(place.kind()).isEqualTo(EventKind.STATE_CHANGED);
        assertThat(place.orderVersion()).isEqualTo(1L);
        assertThat(place.transition()).isEqualTo("PLACE");
        assertThat(place.fromState()).isNull();
        assertThat(place.toState()).isEqualTo("PENDING");
        assertThat(place.actorUserId()).isEqualTo("c-7");
        assertThat(place.actorRole()).isEqualTo("CUSTOMER");
        assertThat(place.reason()).isEqualTo("web checkout");
        assertThat(place.correlationId()).isEqualTo(correlation(order));
        assertThat(place.causationId()).isEqualTo("cmd-" + order + "-1");
        assertThat(place.occurredAt()).isEqualTo(T0);
        assertThat(place.sourceTopic()).isEqualTo(bed.topics.orderEvents().name());
        assertThat(place.eventJson()).contains("\"eventId\": \"" + placed.getEventId() + "\"").contains("web checkout");
        assertThat(place.principal()).as("the writer's principal, stamped by its Kafka client")
                .isEqualTo(new io.orderflow.common.kafka.KafkaConfig(io.orderflow.common.config.Config.fromEnvironment())
                        .principal());

        AuditEntry confirm = bed.awaitAudited(confirmed.getEventId()).entry();
        assertThat(confirm).extracting(AuditEntry::fromState, AuditEntry::toState, AuditEntry::actorUserId,
                        AuditEntry::actorRole, AuditEntry::reason, AuditEntry::occurredAt)
                .containsExactly("PENDING", "CONFIRMED", "sam", "SUPPORT", "customer called", T0.plusSeconds(3));

        AuditEntry request = bed.awaitAudited(reserve.getEventId()).entry();
        assertThat(request).extracting(AuditEntry::kind, AuditEntry::effect, AuditEntry::requestId,
                        AuditEntry::fromState, AuditEntry::toState, AuditEntry::actorRole)
                .containsExactly(EventKind.EFFECT_REQUESTED, "RESERVE_STOCK", order + "-r1", "PENDING", "PENDING",
                        "SYSTEM");
        assertThat(request.sourceTopic()).isEqualTo(bed.topics.requestTopics().get(0).name());

        AuditEntry outcome = bed.awaitAudited(reserved.getOutcomeId()).entry();
        assertThat(outcome).extracting(AuditEntry::kind, AuditEntry::status, AuditEntry::actorUserId,
                        AuditEntry::actorRole, AuditEntry::correlationId, AuditEntry::causationId,
                        AuditEntry::orderVersion, AuditEntry::occurredAt)
                .containsExactly(EventKind.EFFECT_OUTCOME, "SUCCEEDED", "inventory-worker", "SYSTEM",
                        correlation(order), order + "-r1", null, T0.plusSeconds(2));

        AuditEntry hold = bed.awaitAudited(held.getEventId()).entry();
        assertThat(hold).extracting(AuditEntry::kind, AuditEntry::status, AuditEntry::reason, AuditEntry::transition)
                .containsExactly(EventKind.TRANSITION_UPDATE, "HELD", "payment gateway unavailable", "PAY");

        AuditEntry track = bed.awaitAudited(tracking.getOutcomeId()).entry();
        assertThat(track.actorUserId()).isEqualTo("shipping-worker");

        // One row per message, chained 1..6 in the order the worker audited them.
        assertThat(bed.count("select count(*) from audit_log where order_id = ?", order)).isEqualTo(6);
        assertThat(bed.count("select max(chain_index) from audit_log where order_id = ?", order)).isEqualTo(6);
        assertThat(ChainVerifier.verify(bed.jdbi, Optional.of(order)).intact()).isTrue();
    }

    @Test
    void aRequestAnOlderEngineWroteOnOrderEventsIsStillAudited() {
        String order = "o-audit-legacy";
        OrderEvent capture = requested(order, 2, OrderState.CONFIRMED, order + "-r2", Transition.PAY,
                Effect.CAPTURE_PAYMENT, T0);
        EffectOutcome captured = outcome(order, order + "-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.SUCCEEDED, null,
                null, "ch_1", T0.plusSeconds(1));
        captured.setCorrelationId(null); // as an outcome from before EffectOutcome v2: it takes the request's

        // Before the request topics, requests went to orders.events; OrderEvent v1 is the oldest released schema.
        bed.sendOnOrderEvents(order.getBytes(StandardCharsets.UTF_8), EffectRequests.encodedWithReleasedSchema(capture, 1));
        bed.awaitAudited(capture.getEventId());
        bed.sendPayment(captured);

        AuditEntry request = bed.awaitAudited(capture.getEventId()).entry();
        assertThat(request).extracting(AuditEntry::kind, AuditEntry::effect, AuditEntry::requestId,
                        AuditEntry::sourceTopic)
                .containsExactly(EventKind.EFFECT_REQUESTED, "CAPTURE_PAYMENT", order + "-r2",
                        bed.topics.orderEvents().name());
        assertThat(bed.awaitAudited(captured.getOutcomeId()).entry().correlationId()).isEqualTo(correlation(order));
        assertThat(bed.deadLetters()).isZero();
    }

    @Test
    void redeliveredMessagesAndARestartedWorkerAddNoRows() {
        String order = "o-audit-2";
        OrderEvent placed = stateChanged(order, 1, Transition.PLACE, null, OrderState.PENDING,
                person("c-7", Role.CUSTOMER), null, T0);
        OrderEvent capture = requested(order, 2, OrderState.CONFIRMED, order + "-r2", Transition.PAY,
                Effect.CAPTURE_PAYMENT, T0.plusSeconds(1));
        EffectOutcome captured = outcome(order, order + "-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.SUCCEEDED, null,
                Messages.TOTAL, "ch_1", T0.plusSeconds(2));
        // The same ids twice, as a producer retry or an outbox relay re-publishing after a crash would send them.
        bed.send(placed);
        bed.send(placed);
        bed.send(capture);
        bed.sendPayment(captured);
        bed.send(capture);
        bed.sendPayment(captured);
        OrderEvent marker = stateChanged("o-audit-2-marker", 1, Transition.PLACE, null, OrderState.PENDING,
                person("c-8", Role.CUSTOMER), null, T0);
        bed.send(marker);
        bed.awaitAudited(marker.getEventId());
        bed.awaitAudited(captured.getOutcomeId());
        assertOnceEach(order, placed, capture, captured);

        // A restart that reads every topic from the beginning again: the consumers' dedupe skips it all.
        bed.stop();
        bed.rewindConsumers();
        bed.start();
        OrderEvent marker2 = stateChanged("o-audit-2-marker2", 1, Transition.PLACE, null, OrderState.PENDING,
                person("c-8", Role.CUSTOMER), null, T0);
        EffectOutcome markerOutcome = outcome("o-audit-2-marker2", "o-audit-2-marker2-r1", Effect.CAPTURE_PAYMENT,
                OutcomeStatus.FAILED, "card declined", null, null, T0);
        bed.send(marker2);
        bed.sendPayment(markerOutcome);
        bed.awaitAudited(marker2.getEventId());
        bed.awaitAudited(markerOutcome.getOutcomeId());
        assertOnceEach(order, placed, capture, captured);

        // Even with the dedupe records gone, the audit table's own unique message id holds.
        bed.stop();
        bed.jdbi.useHandle(h -> h.execute("delete from processed_messages"));
        bed.rewindConsumers();
        bed.start();
        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from processed_messages") >= 6);
        OrderEvent marker3 = stateChanged("o-audit-2-marker3", 1, Transition.PLACE, null, OrderState.PENDING,
                person("c-8", Role.CUSTOMER), null, T0);
        bed.send(marker3);
        bed.awaitAudited(marker3.getEventId());
        assertOnceEach(order, placed, capture, captured);
        assertThat(bed.count("select count(*) from audit_log")).isEqualTo(3 + 4);
        assertThat(bed.count("select count(*) from ledger_entries where order_id = ?", order)).isEqualTo(1);
        assertThat(bed.admin("verify").exitCode()).isZero();
        assertThat(bed.deadLetters()).isZero();
    }

    @Test
    void twoWorkersAuditingEventsAndOutcomesOfTheSameOrdersKeepEveryChainLinear() {
        bed.startAnother();
        int orders = 12;
        int steps = 6;
        for (int step = 1; step <= steps; step++) {
            for (int o = 0; o < orders; o++) {
                String order = "o-audit-5-" + o;
                String request = order + "-r" + step;
                // Each step is one event on orders.events and one outcome on an outcome topic: two consumers per
                // worker, two workers, all appending to the same order's chain at once.
                bed.send(requested(order, step, OrderState.CONFIRMED, request, Transition.PAY, Effect.CAPTURE_PAYMENT,
                        T0.plusSeconds(step)));
                EffectOutcome answer = outcome(order, request, step % 2 == 0 ? Effect.CAPTURE_PAYMENT
                        : Effect.RESERVE_STOCK, OutcomeStatus.FAILED, "try " + step, null, null, T0.plusSeconds(step));
                if (step % 2 == 0) {
                    bed.sendPayment(answer);
                } else {
                    bed.sendInventory(answer);
                }
            }
        }
        await().atMost(AuditTestbed.WAIT).until(() -> bed.count("select count(*) from audit_log")
                == (long) orders * steps * 2);
        assertThat(bed.count("select count(distinct (order_id, chain_index)) from audit_log")).isEqualTo(
                (long) orders * steps * 2);
        assertThat(bed.count("select max(chain_index) from audit_log")).isEqualTo(steps * 2L);
        ChainVerifier.Report report = ChainVerifier.verify(bed.jdbi, Optional.empty());
        assertThat(report.breaks()).isEmpty();
        assertThat(report.orders()).isEqualTo(orders);
        assertThat(bed.deadLetters()).isZero();
    }

    private void assertOnceEach(String order, OrderEvent placed, OrderEvent capture, EffectOutcome captured) {
        for (String id : List.of(placed.getEventId(), capture.getEventId(), captured.getOutcomeId())) {
            assertThat(bed.count("select count(*) from audit_log where message_id = ?", id)).as(id).isEqualTo(1);
        }
        assertThat(bed.count("select count(*) from audit_log where order_id = ?", order)).isEqualTo(3);
    }

    @Test
    void theDatabaseRefusesToUpdateDeleteOrTruncateAuditRows() throws SQLException {
        OrderEvent placed = stateChanged("o-audit-3", 1, Transition.PLACE, null, OrderState.PENDING,
                person("c-7", Role.CUSTOMER), "first", T0);
        bed.send(placed);
        AuditRow before = bed.awaitAudited(placed.getEventId());

        try (Connection c = bed.schema.connect(); Statement s = c.createStatement()) {
            // First line of defence: the service's role (here also the owner) holds no UPDATE, DELETE or TRUNCATE.
            assertRefused(s, "update audit_log set reason = 'rewritten'", INSUFFICIENT_PRIVILEGE,
                    "permission denied for table audit_log");
            assertRefused(s, "delete from audit_log", INSUFFICIENT_PRIVILEGE, "permission denied for table audit_log");
            assertRefused(s, "truncate audit_log", INSUFFICIENT_PRIVILEGE, "permission denied for table audit_log");

            // Second: an owner can grant itself the privileges back, and the trigger still refuses.
            s.execute("grant update, delete, truncate on audit_log to current_user");
            assertRefused(s, "update audit_log set reason = 'rewritten'", RESTRICT_VIOLATION,
                    "audit_log is append-only: UPDATE refused");
            assertRefused(s, "delete from audit_log", RESTRICT_VIOLATION, "audit_log is append-only: DELETE refused");
            assertRefused(s, "truncate audit_log", RESTRICT_VIOLATION, "audit_log is append-only: TRUNCATE refused");
            assertRefused(s, "update audit_log set reason = 'rewritten' where false", RESTRICT_VIOLATION,
                    "append-only");
            assertRefused(s, "delete from ledger_entries", INSUFFICIENT_PRIVILEGE, "ledger_entries");
        }
        assertThat(bed.row(placed.getEventId())).contains(before);
    }

    private static void assertRefused(Statement statement, String sql, String sqlState, String message) {
        assertThatThrownBy(() -> statement.execute(sql))
                .as(sql)
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).as(sql).isEqualTo(sqlState);
                    assertThat(e.getMessage()).as(sql).contains(message);
                });
    }

    @Test
    void verifyNamesTheFirstRowOfEachChainThatWasTamperedWith() throws SQLException {
        String changed = "o-audit-4a";
        String intact = "o-audit-4b";
        String gap = "o-audit-4c";
        String forged = "o-audit-4d";
        for (String order : List.of(changed, intact, gap, forged)) {
            bed.send(stateChanged(order, 1, Transition.PLACE, null, OrderState.PENDING, person("c-7", Role.CUSTOMER),
                    null, T0));
            bed.send(stateChanged(order, 2, Transition.CONFIRM, OrderState.PENDING, OrderState.CONFIRMED,
                    person("sam", Role.SUPPORT), "stock checked", T0.plusSeconds(1)));
            bed.send(stateChanged(order, 3, Transition.CANCEL, OrderState.CONFIRMED, OrderState.CANCELLED,
                    person("c-7", Role.CUSTOMER), "changed my mind", T0.plusSeconds(2)));
        }
        for (String order : List.of(changed, intact, gap, forged)) {
            bed.awaitAudited(order + "-v3");
        }
        AuditTestbed.AdminRun clean = bed.admin("verify");
        assertThat(clean.exitCode()).as(clean.out()).isZero();
        assertThat(clean.out()).contains("verified 4 orders, 12 audit rows: every chain is intact");

        AuditRow rewritten = bed.row(changed + "-v2").orElseThrow();
        AuditRow last = bed.row(forged + "-v3").orElseThrow();
        try (Connection c = bed.schema.connect(); Statement s = c.createStatement()) {
            // What it takes to get past both defences: the owner switching off the trigger and re-granting itself.
            s.execute("alter table audit_log disable trigger audit_log_append_only");
            s.execute("grant update, delete on audit_log to current_user");
            s.execute("update audit_log set reason = 'approved by manager' where message_id = '" + changed + "-v2'");
            s.execute("delete from audit_log where message_id = '" + gap + "-v2'");
            s.execute("alter table audit_log enable trigger audit_log_append_only");
            s.execute("revoke update, delete on audit_log from current_user");
            // A forged row needs no privilege beyond INSERT, but it cannot carry the right hash without the chain.
            s.execute("insert into audit_log (message_id, order_id, chain_index, source_topic, event_kind, "
                    + "actor_user_id, actor_role, reason, occurred_at, recorded_at, event, prev_hash, hash) values ('"
                    + forged + "-v4', '" + forged + "', 4, 'orders.events', 'STATE_CHANGED', 'mallory', 'ADMIN', "
                    + "'refund approved', now(), now(), '{}', '" + last.hash() + "', '" + "ab".repeat(32) + "')");
        }

        AuditTestbed.AdminRun run = bed.admin("verify");
        assertThat(run.exitCode()).as(run.out()).isEqualTo(AuditAdmin.BROKEN);
        assertThat(run.out()).contains("BROKEN order " + changed + ", row 2 (seq " + rewritten.seq() + ", message "
                + changed + "-v2): content does not match its hash");
        assertThat(run.out()).contains("BROKEN order " + gap + ", row 3 (seq ")
                .contains("row 2 of the chain is missing (deleted)");
        assertThat(run.out()).contains("BROKEN order " + forged + ", row 4 (seq ")
                .contains("message " + forged + "-v4): content does not match its hash");
        assertThat(run.out()).doesNotContain("order " + intact + ",");
        assertThat(run.out()).contains("verified 4 orders, 12 audit rows: 3 broken chains");

        AuditTestbed.AdminRun one = bed.admin("verify", "--order", intact);
        assertThat(one.exitCode()).isZero();
        assertThat(one.out()).contains("verified 1 order, 3 audit rows: every chain is intact");
        assertThat(bed.admin("verify", "--order", "no-such-order").exitCode()).isEqualTo(AuditAdmin.NOTHING_TO_CHECK);
    }
}
