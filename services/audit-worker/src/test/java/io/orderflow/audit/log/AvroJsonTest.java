package io.orderflow.audit.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroJsonTest {
    private static final Instant AT = Instant.parse("2026-11-20T10:00:00Z");

    @Test
    void recordsWrittenOneAfterAnotherReadBackEachAsItselfWhateverTheClass() throws IOException {
        OrderEvent first = event("o-1", 1, Transition.PLACE, null, OrderState.PENDING);
        OrderEvent second = event("o-2", 2, Transition.CONFIRM, OrderState.PENDING, OrderState.CONFIRMED);
        EffectOutcome outcome = EffectOutcome.newBuilder().setOutcomeId("o-1-r1-ok").setOrderId("o-1")
                .setRequestId("o-1-r1").setEffect(Effect.RESERVE_STOCK).setStatus(OutcomeStatus.SUCCEEDED)
                .setOccurredAt(AT).build();

        String firstJson = AvroJson.of(first);
        String outcomeJson = AvroJson.of(outcome);
        String secondJson = AvroJson.of(second);

        assertThat(read(firstJson, first)).isEqualTo(first);
        assertThat(read(outcomeJson, outcome)).isEqualTo(outcome);
        assertThat(read(secondJson, second)).isEqualTo(second);
        assertThat(AvroJson.of(first)).isEqualTo(firstJson);
    }

    @Test
    void aRecordThatCannotBeWrittenLeavesTheNextOneWhole() throws IOException {
        OrderEvent broken = event("o-3", 1, Transition.PLACE, null, OrderState.PENDING);
        broken.getOrder().setTotal(null);  // a required field missing: the write fails half-way through
        OrderEvent whole = event("o-4", 1, Transition.PLACE, null, OrderState.PENDING);

        assertThatThrownBy(() -> AvroJson.of(broken)).isInstanceOf(RuntimeException.class);

        assertThat(read(AvroJson.of(whole), whole)).isEqualTo(whole);
    }

    private static OrderEvent event(String orderId, long version, Transition transition, OrderState from,
                                    OrderState to) {
        return OrderEvent.newBuilder()
                .setEventId(orderId + "-v" + version).setOrderId(orderId).setVersion(version).setOccurredAt(AT)
                .setCorrelationId("corr-" + orderId).setCausationId("cmd-" + orderId)
                .setActor(new Actor("c-7", Role.CUSTOMER))
                .setBody(new StateChanged(transition, from, to, null))
                .setOrder(OrderSnapshot.newBuilder().setOrderId(orderId).setState(to).setVersion(version)
                        .setDetails(new OrderDetails("c-7", "ann@example.com", List.of(), null, null))
                        .setTotal(new Money(2_500L, "EUR")).setPlacedAt(AT).setUpdatedAt(AT).build())
                .build();
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> T read(String json, T like) throws IOException {
        var reader = new SpecificDatumReader<T>(like.getSchema(), like.getSchema(),
                SpecificData.getForClass(like.getClass()));
        return reader.read(null, DecoderFactory.get().jsonDecoder(like.getSchema(), json));
    }
}
