package io.orderflow.common.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.testing.EffectRequests;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Transition;
import java.util.List;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class OutcomesTest {

    @Test
    void anAnswerCarriesTheRequestsIdsAndCorrelationAndAnIdDerivedFromTheRequest() {
        EffectRequested request = new EffectRequested("o-1-r2", Transition.PAY, Effect.CAPTURE_PAYMENT, false, null,
                Instant.EPOCH);
        OrderSnapshot order = OrderSnapshot.newBuilder().setOrderId("o-1").setState(OrderState.CONFIRMED).setVersion(2)
                .setDetails(new OrderDetails("c-1", "c@example.com", List.of(), "pm_card_ok", null))
                .setTotal(new Money(100L, "EUR")).setPlacedAt(Instant.EPOCH).setUpdatedAt(Instant.EPOCH).build();
        OrderEvent event = EffectRequests.event(order, request);

        EffectOutcome held = Outcomes.held(event, request, "gateway down", Instant.EPOCH).build();

        assertThat(held.getOutcomeId()).isEqualTo("o-1-r2-held");
        assertThat(held.getRequestId()).isEqualTo("o-1-r2");
        assertThat(held.getOrderId()).isEqualTo("o-1");
        assertThat(held.getStatus()).isEqualTo(OutcomeStatus.HELD);
        assertThat(held.getReason()).isEqualTo("gateway down");
        assertThat(held.getCorrelationId()).isEqualTo(event.getCorrelationId()).isNotNull();
    }
}
