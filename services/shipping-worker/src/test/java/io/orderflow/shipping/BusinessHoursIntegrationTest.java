package io.orderflow.shipping;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.shipping.Requests.createLabel;
import static io.orderflow.shipping.Requests.voidLabel;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.testing.MutableClock;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Labels only in business hours: weekdays 09:00-17:00 in Berlin, Monday 30 November 2026 a holiday. The clock is moved,
 * never waited for. Saturday 28 November 12:00 UTC is closed; the next opening is Tuesday 1 December 09:00 Berlin
 * (08:00 UTC).
 */
class BusinessHoursIntegrationTest {
    private static final Instant SATURDAY_NOON = Instant.parse("2026-11-28T12:00:00Z");
    private static final Instant JUST_BEFORE_OPENING = Instant.parse("2026-12-01T07:59:59Z");
    private static final Instant OPENING = Instant.parse("2026-12-01T08:00:00Z");
    private static final MutableClock CLOCK = new MutableClock(SATURDAY_NOON);
    private static ShippingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ShippingFixture.start(Map.of(
                "ORDERFLOW_BUSINESS_HOURS", "MON-FRI 09:00-17:00",
                "ORDERFLOW_TIMEZONE", "Europe/Berlin",
                "ORDERFLOW_HOLIDAYS", "2026-11-30"), CLOCK);
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void labelOutsideBusinessHoursIsHeldOnceAndCreatedAtTheNextOpening() throws Exception {
        CLOCK.set(SATURDAY_NOON);
        String orderId = newOrderId("weekend");
        fixture.send(createLabel(orderId, orderId + "-r4"));

        EffectOutcome held = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.HELD);
        assertThat(held.getReason())
                .isEqualTo("waiting for business hours; next opening Tue 2026-12-01 09:00 Europe/Berlin");
        assertThat(held.getOutcomeId()).isEqualTo(orderId + "-r4-held-hours");
        assertThat(fixture.queryString("select state from label_requests where request_id = ?", orderId + "-r4"))
                .isEqualTo("PENDING");

        // A second before opening the scheduler still leaves it alone (it looks every 100 ms).
        CLOCK.set(JUST_BEFORE_OPENING);
        Thread.sleep(500);
        assertThat(fixture.labels(orderId)).isEmpty();

        CLOCK.set(OPENING);
        EffectOutcome succeeded = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        assertThat(succeeded.getRequestId()).isEqualTo(orderId + "-r4");
        assertThat(succeeded.getTrackingNumber()).isNotBlank();
        assertThat(fixture.outcomes(orderId)).extracting(EffectOutcome::getStatus)
                .containsExactly(OutcomeStatus.HELD, OutcomeStatus.SUCCEEDED);
        assertThat(fixture.labels(orderId)).extracting(l -> l.path("labelId").asText())
                .containsExactly(succeeded.getReference());
    }

    @Test
    void voidOfAHeldLabelRequestCancelsItSoNoLabelAppearsAtOpening() throws Exception {
        CLOCK.set(SATURDAY_NOON);
        String orderId = newOrderId("cancelled");
        fixture.send(createLabel(orderId, orderId + "-r4"));
        fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.HELD);

        fixture.send(voidLabel(orderId, orderId + "-r5", orderId + "-r4"));
        EffectOutcome voided = fixture.awaitOutcome(orderId, o -> o.getEffect() == Effect.VOID_LABEL);
        EffectOutcome cancelled = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.FAILED);

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getReason()).isEqualTo("nothing to void: label request " + orderId
                + "-r4 was still waiting and is cancelled");
        assertThat(cancelled.getRequestId()).isEqualTo(orderId + "-r4");
        assertThat(cancelled.getReason()).isEqualTo("cancelled by " + orderId + "-r5 before a label was created");

        CLOCK.set(OPENING);
        Thread.sleep(500);
        assertThat(fixture.labels(orderId)).isEmpty();
    }

    @Test
    void voidIsNotBoundByBusinessHours() {
        CLOCK.set(OPENING.plusSeconds(3600));
        String orderId = newOrderId("weekday");
        fixture.send(createLabel(orderId, orderId + "-r4"));
        EffectOutcome created = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        CLOCK.set(SATURDAY_NOON);
        fixture.send(voidLabel(orderId, orderId + "-r5", orderId + "-r4"));
        EffectOutcome voided = fixture.awaitOutcome(orderId, o -> o.getEffect() == Effect.VOID_LABEL);

        assertThat(voided.getStatus()).isEqualTo(OutcomeStatus.SUCCEEDED);
        assertThat(voided.getReference()).isEqualTo(created.getReference());
        assertThat(fixture.outcomes(orderId)).noneMatch(o -> o.getStatus() == OutcomeStatus.HELD);
    }
}
