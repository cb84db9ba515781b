package io.orderflow.domain;

import static io.orderflow.domain.ChoreographyWorld.TIMEOUTS;
import static io.orderflow.domain.Fixtures.OPEN;
import static io.orderflow.schema.Effect.CREATE_LABEL;
import static io.orderflow.schema.Effect.RELEASE_STOCK;
import static io.orderflow.schema.Effect.RESERVE_STOCK;
import static io.orderflow.schema.OrderState.CANCELLED;
import static io.orderflow.schema.OrderState.CONFIRMED;
import static io.orderflow.schema.OrderState.PAID;
import static io.orderflow.schema.OrderState.PENDING;
import static io.orderflow.schema.Transition.CANCEL;
import static io.orderflow.schema.Transition.PAY;
import static io.orderflow.schema.Transition.SHIP;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.domain.ChoreographyWorld.Fact;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stall policies act (issue 11, gap 4): an order left pending by a failed reservation, or paid by a failed label, is
 * not left waiting for ever. Driven through {@link ChoreographyWorld}, whose per-step invariants also hold.
 */
class StallPolicyTest {

    private static final Duration RESERVE_EVERY = Duration.ofMinutes(10);
    private static final Duration LABEL_FIRST = Duration.ofMinutes(1);
    private static final StallPolicy POLICY = new StallPolicy(true, RESERVE_EVERY, 3, LABEL_FIRST, 3);
    private static final OrderMachine MACHINE = new OrderMachine(
            Rules.choreographed(Fixtures.HOURS, TIMEOUTS, POLICY));

    private static ChoreographyWorld placed() {
        ChoreographyWorld w = new ChoreographyWorld(MACHINE, OPEN);
        w.place();
        return w;
    }

    @Test
    void aFailedReservationIsTriedAgainAndTheOrderGoesOnWhenStockArrives() {
        ChoreographyWorld w = placed();
        w.fail(w.inFlightId(), "out of stock: sku-1");
        assertThat(w.order.state()).isEqualTo(PENDING);
        assertThat(w.order.deadline(TIMEOUTS)).as("the retry is scheduled").contains(w.now.plus(RESERVE_EVERY));

        assertThat(w.advance(RESERVE_EVERY.minusSeconds(1))).as("not before its time").isEmpty();
        List<Reaction> retry = w.advance(Duration.ofSeconds(1));

        assertThat(retry).singleElement().satisfies(r -> assertThat(r.requests()).singleElement()
                .satisfies(q -> assertThat(q.effect()).isEqualTo(RESERVE_STOCK)));
        w.succeed(w.inFlightId()); // stock arrived
        assertThat(w.order.state()).isEqualTo(CONFIRMED);
        assertThat(w.order.inFlight()).hasValueSatisfying(f -> assertThat(f.transition()).isEqualTo(PAY));
        assertThat(w.order.workflow().retry()).isNull();
    }

    @Test
    void reservationsUsedUpCancelTheOrderReleaseItsStockAndSayWhy() {
        ChoreographyWorld w = placed();
        for (int attempt = 1; attempt <= 3; attempt++) {
            if (attempt > 1) {
                assertThat(w.advance(RESERVE_EVERY)).singleElement()
                        .satisfies(r -> assertThat(r.requests()).extracting(EffectRequest::effect)
                                .containsExactly(RESERVE_STOCK));
            }
            w.fail(w.inFlightId(), "out of stock: sku-1");
            assertThat(w.order.state()).isEqualTo(PENDING);
        }

        List<Reaction> givenUp = w.advance(Duration.ZERO);

        assertThat(givenUp).singleElement().satisfies(r -> {
            assertThat(r.changes()).singleElement().satisfies(c -> {
                assertThat(c.transition()).isEqualTo(CANCEL);
                assertThat(c.to()).isEqualTo(CANCELLED);
                assertThat(c.actor()).isEqualTo(OrderMachine.ENGINE);
                // The reason goes to the customer with the cancellation.
                assertThat(c.reason()).contains("stock could not be reserved in 3 attempts", "out of stock: sku-1");
            });
            assertThat(r.requests()).extracting(EffectRequest::effect).containsExactly(RELEASE_STOCK);
        });
        w.quiesce();
        assertThat(w.stock()).doesNotContainValue(Fact.RESERVED);
        assertThat(w.order.deadline(TIMEOUTS)).isEmpty();
        assertThat(w.quiescentViolations()).isEmpty();
    }

    @Test
    void aFailedLabelIsTriedAgainWithBackoffThenFlaggedOnce() {
        ChoreographyWorld w = placed();
        w.succeed(w.inFlightId());
        w.succeed(w.inFlightId());
        w.fail(w.inFlightId(), "carrier down");
        assertThat(w.order.state()).isEqualTo(PAID);

        // 1 minute, then 2: the backoff doubles.
        assertThat(w.advance(LABEL_FIRST)).singleElement().satisfies(r -> assertThat(r.requests())
                .extracting(EffectRequest::effect).containsExactly(CREATE_LABEL));
        w.fail(w.inFlightId(), "carrier down");
        assertThat(w.advance(LABEL_FIRST)).as("the second wait is twice the first").isEmpty();
        assertThat(w.advance(LABEL_FIRST)).singleElement().satisfies(r -> assertThat(r.requests())
                .extracting(EffectRequest::effect).containsExactly(CREATE_LABEL));
        w.fail(w.inFlightId(), "carrier down");

        List<Reaction> givenUp = w.advance(Duration.ZERO);

        assertThat(givenUp).singleElement().satisfies(r -> {
            assertThat(r.changes()).isEmpty();
            assertThat(r.requests()).isEmpty();
            assertThat(r.updates()).singleElement().satisfies(u -> {
                assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED);
                assertThat(u.transition()).isEqualTo(SHIP);
                assertThat(u.reason()).contains("no shipping label after 3 attempts", "needs attention");
            });
        });
        assertThat(w.order.state()).isEqualTo(PAID);
        assertThat(w.order.workflow().flag()).contains("no shipping label");
        assertThat(w.advance(Duration.ofDays(1))).as("flagged once; then it waits for a person").isEmpty();
    }

    @Test
    void withoutAPolicyAStalledOrderWaitsForAPerson() {
        ChoreographyWorld w = new ChoreographyWorld(OPEN); // StallPolicy.NONE
        w.place();
        w.fail(w.inFlightId(), "out of stock: sku-1");
        assertThat(w.order.deadline(TIMEOUTS)).isEmpty();
        assertThat(w.advance(Duration.ofDays(30))).isEmpty();
        assertThat(w.order.state()).isEqualTo(PENDING);
    }
}
