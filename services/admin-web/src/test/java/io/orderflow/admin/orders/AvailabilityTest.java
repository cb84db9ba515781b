package io.orderflow.admin.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.domain.Actor;
import io.orderflow.domain.BusinessHours;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The buttons come from the engine's own decision: each greyed one carries the engine's code and reason. */
class AvailabilityTest {
    // A Saturday, 12:00 UTC.
    private static final Instant SATURDAY_NOON = Instant.parse("2026-11-28T12:00:00Z");
    private static final BusinessHours WEEKDAYS = BusinessHours.parse("MON-FRI 09:00-17:00", ZoneId.of("UTC"), Set.of());

    private static OrderDetail order(String state, String inFlight, String held) {
        Instant t = SATURDAY_NOON.minusSeconds(3600);
        return new OrderDetail("o-1", state, 3, "c-1", "ann@example.com", "pm_card_ok", "1 Main St", 2999, "EUR", t, t,
                t, null, null, null, null, null, inFlight, inFlight == null ? null : "CAPTURE_PAYMENT",
                inFlight == null ? null : "o-1-r2", t, t.plusSeconds(60), "engine", "SYSTEM", held, null,
                List.of(new OrderDetail.Line("SKU-1", 2, 1250, "EUR"), new OrderDetail.Line("SKU-2", 1, 499, "EUR")),
                List.of());
    }

    private static Map<Transition, Availability.Option> options(OrderDetail order, Role role, BusinessHours hours) {
        return new Availability(hours, Clock.fixed(SATURDAY_NOON, ZoneOffset.UTC))
                .options(order, new Actor("ann", role)).stream()
                .collect(Collectors.toMap(Availability.Option::transition, o -> o));
    }

    @Test
    void wrongStateAndRoleAreGreyedWithTheEnginesReasons() {
        var options = options(order("PAID", null, null), Role.WAREHOUSE, BusinessHours.ALWAYS);
        assertThat(options.get(Transition.SHIP).allowed()).isTrue();
        assertThat(options.get(Transition.REFUND).allowed()).isFalse();
        assertThat(options.get(Transition.REFUND).code()).isEqualTo("FORBIDDEN");
        assertThat(options.get(Transition.REFUND).reason()).contains("role warehouse may not refund order o-1");
        assertThat(options.get(Transition.DELIVER).code()).isEqualTo("INVALID_TRANSITION");
        assertThat(options.get(Transition.DELIVER).reason()).contains("deliver needs it to be shipped");
        assertThat(options).doesNotContainKey(Transition.PLACE);
    }

    @Test
    void businessHoursGreyAPersonsShipOutsideOpeningTimes() {
        var ship = options(order("PAID", null, null), Role.WAREHOUSE, WEEKDAYS).get(Transition.SHIP);
        assertThat(ship.allowed()).isFalse();
        assertThat(ship.code()).isEqualTo("OUTSIDE_BUSINESS_HOURS");
        assertThat(ship.reason()).contains("only in business hours");
    }

    @Test
    void aStepInFlightGreysOtherTransitionsButNotCancel() {
        var options = options(order("CONFIRMED", "PAY", "gateway unavailable"), Role.ADMIN, BusinessHours.ALWAYS);
        assertThat(options.get(Transition.UNCONFIRM).code()).isEqualTo("TRANSITION_IN_FLIGHT");
        assertThat(options.get(Transition.UNCONFIRM).reason()).contains("pay in flight").contains("gateway unavailable");
        assertThat(options.get(Transition.CANCEL).allowed()).isTrue();
    }

    @Test
    void allowedOptionsComeFirstAndCancelAsksForAReason() {
        List<Availability.Option> options = new Availability(BusinessHours.ALWAYS, Clock.systemUTC())
                .options(order("PENDING", null, null), new Actor("ann", Role.SUPPORT));
        assertThat(options.subList(0, 2)).extracting(Availability.Option::transition)
                .containsExactly(Transition.CONFIRM, Transition.CANCEL);
        assertThat(options.get(1).needsReason()).isTrue();
        assertThat(options.get(0).needsReason()).isFalse();
        assertThat(options.subList(2, options.size())).noneMatch(Availability.Option::allowed);
    }
}
