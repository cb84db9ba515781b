package io.orderflow.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.schema.Actor;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

class AuditEntriesTest {
    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void aStateChangeRecordsItsActorStatesReasonAndTheWholeEventAsReadableJson() throws IOException {
        OrderEvent event = OrderEvent.newBuilder()
                .setEventId("o-1-v6").setOrderId("o-1").setVersion(6).setOccurredAt(AT)
                .setCorrelationId("corr-1").setCausationId("cmd-9").setActor(new Actor("fin", Role.FINANCE))
                .setBody(new StateChanged(Transition.REFUND, OrderState.DELIVERED, OrderState.REFUNDED, "damaged"))
                .setOrder(OrderSnapshot.newBuilder().setOrderId("o-1").setState(OrderState.REFUNDED).setVersion(6)
                        .setDetails(new OrderDetails("c-7", "ann@example.com", List.of(), null, null))
                        .setTotal(new Money(2_500L, "EUR")).setPlacedAt(AT).setUpdatedAt(AT).build())
                .build();

        AuditEntry entry = AuditEntries.of(event, "orders.events", "admin-web");

        assertThat(entry).extracting(AuditEntry::kind, AuditEntry::orderVersion, AuditEntry::transition,
                        AuditEntry::fromState, AuditEntry::toState, AuditEntry::actorUserId, AuditEntry::actorRole,
                        AuditEntry::reason, AuditEntry::correlationId, AuditEntry::causationId, AuditEntry::occurredAt,
                        AuditEntry::principal)
                .containsExactly(EventKind.STATE_CHANGED, 6L, "REFUND", "DELIVERED", "REFUNDED", "fin", "FINANCE",
                        "damaged", "corr-1", "cmd-9", AT, "admin-web");
        var reader = new SpecificDatumReader<OrderEvent>(OrderEvent.getClassSchema(), OrderEvent.getClassSchema(),
                SpecificData.getForClass(OrderEvent.class));
        assertThat(reader.read(null, DecoderFactory.get().jsonDecoder(OrderEvent.getClassSchema(), entry.eventJson())))
                .isEqualTo(event);
    }

    @Test
    void anOutcomeIsActedByItsWorkerAndCausedByItsRequest() {
        EffectOutcome outcome = EffectOutcome.newBuilder()
                .setOutcomeId("o-1-r3-failed").setOrderId("o-1").setRequestId("o-1-r3")
                .setEffect(Effect.RESERVE_STOCK).setStatus(OutcomeStatus.FAILED).setReason("SKU-1 short by 2")
                .setOccurredAt(AT).build();

        AuditEntry entry = AuditEntries.of(outcome, "inventory.events", "inventory-worker", "corr-1",
                "inventory-worker");

        assertThat(entry).extracting(AuditEntry::kind, AuditEntry::actorUserId, AuditEntry::actorRole,
                        AuditEntry::status, AuditEntry::reason, AuditEntry::causationId, AuditEntry::correlationId,
                        AuditEntry::orderVersion, AuditEntry::fromState)
                .containsExactly(EventKind.EFFECT_OUTCOME, "inventory-worker", "SYSTEM", "FAILED", "SKU-1 short by 2",
                        "o-1-r3", "corr-1", null, null);
    }
}
