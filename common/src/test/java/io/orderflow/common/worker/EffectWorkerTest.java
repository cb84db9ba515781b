package io.orderflow.common.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.Effect;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which topic a worker reads: its own request topic, decided by the effects it serves. */
class EffectWorkerTest {

    @Test
    void eachWorkerReadsOnlyTheRequestTopicOfItsEffects() {
        assertThat(EffectWorker.requestTopic(Set.of(Effect.RESERVE_STOCK, Effect.RELEASE_STOCK, Effect.DEDUCT_STOCK,
                Effect.RESTORE_STOCK))).isEqualTo(Topics.INVENTORY_REQUESTS);
        assertThat(EffectWorker.requestTopic(Set.of(Effect.CAPTURE_PAYMENT, Effect.VOID_PAYMENT,
                Effect.REFUND_PAYMENT))).isEqualTo(Topics.PAYMENT_REQUESTS);
        assertThat(EffectWorker.requestTopic(Set.of(Effect.CREATE_LABEL, Effect.VOID_LABEL)))
                .isEqualTo(Topics.SHIPPING_REQUESTS);
    }

    @Test
    void effectsOfTwoWorkersAreRefused() {
        assertThatThrownBy(() -> EffectWorker.requestTopic(Set.of(Effect.RESERVE_STOCK, Effect.CAPTURE_PAYMENT)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a worker reads exactly one");
    }
}
