package io.orderflow.domain;

import static io.orderflow.schema.OrderState.CANCELLED;
import static io.orderflow.schema.OrderState.CONFIRMED;
import static io.orderflow.schema.OrderState.DELIVERED;
import static io.orderflow.schema.OrderState.PAID;
import static io.orderflow.schema.OrderState.PENDING;
import static io.orderflow.schema.OrderState.REFUNDED;
import static io.orderflow.schema.OrderState.SHIPPED;
import static io.orderflow.schema.Role.ADMIN;
import static io.orderflow.schema.Role.CUSTOMER;
import static io.orderflow.schema.Role.FINANCE;
import static io.orderflow.schema.Role.SUPPORT;
import static io.orderflow.schema.Role.SYSTEM;
import static io.orderflow.schema.Role.WAREHOUSE;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The table's data, cell by cell, against {@link ExpectedTable}; how the machine uses it is in OrderMachineTest. */
class TransitionTableTest {

    static Stream<Arguments> everyTransitionStateAndRole() {
        return Arrays.stream(Transition.values()).flatMap(t -> Arrays.stream(OrderState.values())
                .flatMap(s -> Arrays.stream(Role.values()).map(r -> Arguments.of(t, s, r))));
    }

    static Stream<Arguments> everyStateAndRole() {
        return Arrays.stream(OrderState.values()).flatMap(s -> Arrays.stream(Role.values()).map(r -> Arguments.of(s, r)));
    }

    @ParameterizedTest
    @EnumSource(Transition.class)
    void everyTransitionHasExactlyOneRowNamedAfterIt(Transition transition) {
        assertThat(TransitionTable.rule(transition)).isNotNull();
        assertThat(TransitionTable.rule(transition).transition()).isEqualTo(transition);
        assertThat(TransitionTable.rules()).hasSize(Transition.values().length);
    }

    @ParameterizedTest(name = "{0} from {1} by {2}")
    @MethodSource("everyTransitionStateAndRole")
    void ruleAllowsExactlyTheStatesAndRolesTheDesignNames(Transition transition, OrderState state, Role role) {
        TransitionRule rule = TransitionTable.rule(transition);
        ExpectedTable.Row expected = ExpectedTable.row(transition);

        assertThat(rule.startsFrom(state)).as("%s starts from %s", transition, state).isEqualTo(expected.startsFrom(state));
        assertThat(rule.allows(role)).as("%s allowed for %s", transition, role).isEqualTo(expected.allows(role));
    }

    @ParameterizedTest
    @EnumSource(Transition.class)
    void ruleLeadsToTheStateTheDesignNames(Transition transition) {
        ExpectedTable.Row expected = ExpectedTable.row(transition);
        TransitionRule rule = TransitionTable.rule(transition);

        assertThat(rule.to()).isEqualTo(expected.to());
        assertThat(rule.from()).containsExactlyInAnyOrderElementsOf(expected.from());
        assertThat(rule.roles()).containsExactlyInAnyOrderElementsOf(expected.roles());
        assertThat(rule.businessHours()).isEqualTo(expected.businessHours());
    }

    @Test
    void placeCreatesAnOrderSoItStartsFromNoState() {
        assertThat(TransitionTable.rule(Transition.PLACE).from()).isEmpty();
        assertThat(TransitionTable.rule(Transition.PLACE).to()).isEqualTo(PENDING);
    }

    @Test
    void onlyShipIsLimitedToBusinessHours() {
        assertThat(TransitionTable.rules().stream().filter(TransitionRule::businessHours).map(TransitionRule::transition))
                .containsExactly(Transition.SHIP);
    }

    // Effects that gate the move (the order waits for the worker); releasing a reservation on unconfirm or cancel
    // is a follow-up, not a gate, so those rows carry none.
    @ParameterizedTest(name = "{0}: effect {1}, reversed by {2}")
    @CsvSource(nullValues = "-", textBlock = """
            PLACE,     -,               CANCEL
            CONFIRM,   RESERVE_STOCK,   UNCONFIRM
            UNCONFIRM, -,               CONFIRM
            PAY,       CAPTURE_PAYMENT, VOID
            VOID,      VOID_PAYMENT,    PAY
            SHIP,      CREATE_LABEL,    UNSHIP
            UNSHIP,    VOID_LABEL,      SHIP
            DELIVER,   -,               -
            CANCEL,    -,               REOPEN
            REOPEN,    -,               CANCEL
            REFUND,    REFUND_PAYMENT,  -
            """)
    void ruleCarriesTheEffectAndInverseTheDesignNames(Transition transition, Effect effect, Transition inverse) {
        TransitionRule rule = TransitionTable.rule(transition);

        assertThat(rule.effect()).isEqualTo(Optional.ofNullable(effect));
        assertThat(rule.inverse()).isEqualTo(Optional.ofNullable(inverse));
    }

    @ParameterizedTest
    @EnumSource(Transition.class)
    void inverseStartsWhereItsTransitionEnds(Transition transition) {
        TransitionRule rule = TransitionTable.rule(transition);

        rule.inverse().ifPresent(inverse -> assertThat(TransitionTable.rule(inverse).startsFrom(rule.to()))
                .as("%s ends in %s, where %s must start", transition, rule.to(), inverse)
                .isTrue());
    }

    @Test
    void deliverAndRefundCannotBeUndone() {
        assertThat(TransitionTable.rule(Transition.DELIVER).inverse()).isEmpty();
        assertThat(TransitionTable.rule(Transition.REFUND).inverse()).isEmpty();
    }

    @ParameterizedTest(name = "from {0} by {1}")
    @MethodSource("everyStateAndRole")
    void availableListsWhatThatRoleMayTakeFromThatState(OrderState state, Role role) {
        assertThat(TransitionTable.available(state, role))
                .containsExactlyInAnyOrderElementsOf(ExpectedTable.available(state, role));
    }

    @ParameterizedTest(name = "{1} on a {0} order may take {2}")
    @CsvSource(textBlock = """
            PAID,      FINANCE,   VOID REFUND
            PAID,      WAREHOUSE, SHIP
            PAID,      ADMIN,     VOID SHIP REFUND
            PAID,      SYSTEM,    SHIP
            PENDING,   CUSTOMER,  CANCEL
            CONFIRMED, CUSTOMER,  PAY CANCEL
            CONFIRMED, SUPPORT,   UNCONFIRM CANCEL
            SHIPPED,   WAREHOUSE, UNSHIP DELIVER
            SHIPPED,   SUPPORT,   DELIVER
            DELIVERED, FINANCE,   REFUND
            CANCELLED, SUPPORT,   REOPEN
            """)
    void availableOffersTheRoleItsOwnTransitions(OrderState state, Role role, String transitions) {
        List<Transition> expected = Arrays.stream(transitions.split(" ")).map(Transition::valueOf).toList();

        assertThat(TransitionTable.available(state, role)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void availableOffersNothingWhereTheRoleHasNoMove() {
        assertThat(TransitionTable.available(CANCELLED, CUSTOMER)).isEmpty();
        assertThat(TransitionTable.available(DELIVERED, WAREHOUSE)).isEmpty();
        assertThat(TransitionTable.available(PENDING, FINANCE)).isEmpty();
        for (Role role : Role.values()) {
            assertThat(TransitionTable.available(REFUNDED, role)).as("refunded is final for %s", role).isEmpty();
        }
    }

    @Test
    void availableNeverOffersPlaceOnAnExistingOrder() {
        for (OrderState state : OrderState.values()) {
            assertThat(TransitionTable.available(state, ADMIN)).doesNotContain(Transition.PLACE);
        }
        assertThat(TransitionTable.available(SHIPPED, SYSTEM)).containsExactly(Transition.DELIVER);
        assertThat(TransitionTable.available(CONFIRMED, SUPPORT)).doesNotContain(Transition.PAY);
    }
}
