package io.orderflow.domain;

import static io.orderflow.domain.Fixtures.CLOSED;
import static io.orderflow.domain.Fixtures.CUSTOMER_ID;
import static io.orderflow.domain.Fixtures.DETAILS_TOTAL;
import static io.orderflow.domain.Fixtures.MACHINE;
import static io.orderflow.domain.Fixtures.NEXT_OPENING_AFTER_CLOSED;
import static io.orderflow.domain.Fixtures.OPEN;
import static io.orderflow.domain.Fixtures.ORDER_ID;
import static io.orderflow.domain.Fixtures.OTHER_CUSTOMER_ID;
import static io.orderflow.domain.Fixtures.actor;
import static io.orderflow.domain.Fixtures.berlin;
import static io.orderflow.domain.Fixtures.command;
import static io.orderflow.domain.Fixtures.details;
import static io.orderflow.domain.Fixtures.line;
import static io.orderflow.domain.Fixtures.orderIn;
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

import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code OrderMachine.decide} answers: every cell of the table, then versions, ownership, idempotency, hours. */
class OrderMachineTest {

    private static final long HELD_VERSION = 7;

    /** A transition tried by a role on order o-42 held in {@code state}; a null state means no order exists yet. */
    record Cell(Transition transition, OrderState state, Role role) {
        Order held() {
            return state == null ? null : orderIn(state, HELD_VERSION);
        }

        @Override
        public String toString() {
            return ExpectedTable.name(transition) + " on " + (state == null ? "no order" : ExpectedTable.name(state))
                    + " by " + ExpectedTable.name(role);
        }
    }

    /** Every transition by every role on every state and on no order: 11 x 8 x 6 cells. */
    static List<Cell> allCells() {
        List<Cell> cells = new ArrayList<>();
        List<OrderState> states = new ArrayList<>(Arrays.asList(OrderState.values()));
        states.add(null);
        for (Transition t : Transition.values()) {
            for (OrderState s : states) {
                for (Role r : Role.values()) {
                    cells.add(new Cell(t, s, r));
                }
            }
        }
        return cells;
    }

    /**
     * The refusal a cell must get, or null when it must be applied. Existence is checked first, then the role, then
     * the state: someone without the role learns only that they lack it, not what state the order is in.
     */
    static Arguments expectedRefusal(Cell cell) {
        ExpectedTable.Row row = ExpectedTable.row(cell.transition());
        String verb = ExpectedTable.name(cell.transition());
        String forbidden = "role " + ExpectedTable.name(cell.role()) + " may not " + verb + " order " + ORDER_ID + "; "
                + verb + " needs role " + ExpectedTable.rolesNeeded(row);
        if (cell.transition() == Transition.PLACE) {
            if (cell.state() != null) {
                return Arguments.of(cell, RejectionCode.ORDER_EXISTS, "order " + ORDER_ID + " already exists ("
                        + ExpectedTable.name(cell.state()) + "); place needs a new order id");
            }
            return row.allows(cell.role()) ? null : Arguments.of(cell, RejectionCode.FORBIDDEN, forbidden);
        }
        if (cell.state() == null) {
            return Arguments.of(cell, RejectionCode.UNKNOWN_ORDER,
                    "order " + ORDER_ID + " does not exist; " + verb + " needs a placed order");
        }
        if (!row.allows(cell.role())) {
            return Arguments.of(cell, RejectionCode.FORBIDDEN, forbidden);
        }
        if (!row.startsFrom(cell.state())) {
            return Arguments.of(cell, RejectionCode.INVALID_TRANSITION, "order " + ORDER_ID + " is "
                    + ExpectedTable.name(cell.state()) + "; " + verb + " needs it to be " + ExpectedTable.statesNeeded(row));
        }
        return null;
    }

    static Stream<Cell> allowedCells() {
        return allCells().stream().filter(c -> expectedRefusal(c) == null);
    }

    static Stream<Arguments> refusedCells() {
        return allCells().stream().map(OrderMachineTest::expectedRefusal).filter(a -> a != null);
    }

    @Test
    void theMatrixCoversEveryCellAndAllowsFortyOfThem() {
        // 40 = sum over rows of (from states x roles), place counting "no order" as its one from-state.
        assertThat(allCells()).hasSize(Transition.values().length * (OrderState.values().length + 1) * Role.values().length);
        assertThat(allowedCells()).hasSize(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowedCells")
    void transitionTheTableAllowsIsAppliedAndMovesTheOrderToItsTarget(Cell cell) {
        OrderState to = ExpectedTable.row(cell.transition()).to();
        long version = cell.state() == null ? 1 : HELD_VERSION + 1;
        Command command = command("cmd-1", cell.transition()).because("test");

        Decision decision = MACHINE.decide(cell.held(), command, actor(cell.role()), OPEN);

        assertThat(decision).isInstanceOf(Decision.Applied.class);
        Decision.Applied applied = (Decision.Applied) decision;
        assertThat(applied.order().id()).isEqualTo(ORDER_ID);
        assertThat(applied.order().state()).isEqualTo(to);
        assertThat(applied.order().version()).isEqualTo(version);
        assertThat(applied.change()).isEqualTo(new StateChange(cell.transition(), cell.state(), to, version, "test", actor(cell.role())));
        assertThat(applied.outcome().status()).isEqualTo(CommandStatus.APPLIED);
        assertThat(applied.outcome().code()).isNull();
        assertThat(applied.order().outcomeOf("cmd-1")).contains(applied.outcome());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("refusedCells")
    void transitionTheTableRefusesCarriesItsCodeAndANamedReason(Cell cell, RejectionCode code, String message) {
        Decision decision = MACHINE.decide(cell.held(), command("cmd-1", cell.transition()), actor(cell.role()), OPEN);

        assertThat(decision).isInstanceOf(Decision.Rejected.class);
        Decision.Rejected rejected = (Decision.Rejected) decision;
        assertThat(rejected.code()).isEqualTo(code);
        assertThat(rejected.reason()).isEqualTo(message);
        assertThat(rejected.outcome().status()).isEqualTo(CommandStatus.REJECTED);
        if (cell.state() == null) {
            assertThat(rejected.next()).isEmpty();
        } else {
            assertThat(rejected.next()).hasValueSatisfying(o -> {
                assertThat(o.state()).isEqualTo(cell.state());
                assertThat(o.version()).isEqualTo(HELD_VERSION);
            });
        }
    }

    @Nested
    class Examples {
        @Test
        void shipFromDeliveredIsRefusedNamingTheStateShipNeeds() {
            Decision.Rejected rejected = rejected(orderIn(DELIVERED, 5), command("c-1", Transition.SHIP), WAREHOUSE, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.INVALID_TRANSITION);
            assertThat(rejected.reason()).isEqualTo("order o-42 is delivered; ship needs it to be paid");
        }

        @Test
        void refundByWarehouseIsForbiddenNamingTheRolesRefundNeeds() {
            Decision.Rejected rejected = rejected(orderIn(DELIVERED, 5), command("c-1", Transition.REFUND), WAREHOUSE, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.FORBIDDEN);
            assertThat(rejected.reason()).isEqualTo("role warehouse may not refund order o-42; refund needs role admin or finance");
        }

        @Test
        void refundFromDeliveredIsAllowedForFinance() {
            Decision.Applied applied = applied(orderIn(DELIVERED, 5), command("c-1", Transition.REFUND), FINANCE, OPEN);

            assertThat(applied.order().state()).isEqualTo(REFUNDED);
            assertThat(applied.outcome().message()).isEqualTo("order o-42 refunded (delivered -> refunded, version 6)");
        }

        @Test
        void refundFromPendingNamesEveryStateItCouldStartFrom() {
            Decision.Rejected rejected = rejected(orderIn(PENDING, 1), command("c-1", Transition.REFUND), FINANCE, OPEN);

            assertThat(rejected.reason()).isEqualTo("order o-42 is pending; refund needs it to be paid, shipped or delivered");
        }

        @Test
        void cancelOfAShippedOrderIsRefused() {
            Decision.Rejected rejected = rejected(orderIn(SHIPPED, 4), command("c-1", Transition.CANCEL), SUPPORT, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.INVALID_TRANSITION);
            assertThat(rejected.reason()).isEqualTo("order o-42 is shipped; cancel needs it to be pending or confirmed");
        }

        @Test
        void confirmOfAnOrderThatDoesNotExistIsRefusedAsUnknown() {
            Decision.Rejected rejected = rejected(null, command("c-1", Transition.CONFIRM), SYSTEM, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.UNKNOWN_ORDER);
            assertThat(rejected.reason()).isEqualTo("order o-42 does not exist; confirm needs a placed order");
            assertThat(rejected.next()).isEmpty();
        }

        @Test
        void placeOfAnOrderIdAlreadyTakenIsRefusedAndLeavesTheOrderAlone() {
            Order paid = orderIn(PAID, 3);

            Decision.Rejected rejected = rejected(paid, command("c-1", Transition.PLACE), CUSTOMER, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.ORDER_EXISTS);
            assertThat(rejected.reason()).isEqualTo("order o-42 already exists (paid); place needs a new order id");
            assertThat(rejected.next().orElseThrow().details()).isEqualTo(paid.details());
            assertThat(rejected.next().orElseThrow().version()).isEqualTo(3);
        }

        @Test
        void placeByWarehouseIsForbidden() {
            Decision.Rejected rejected = rejected(null, command("c-1", Transition.PLACE), WAREHOUSE, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.FORBIDDEN);
            assertThat(rejected.reason())
                    .isEqualTo("role warehouse may not place order o-42; place needs role admin, customer or support");
        }

        @Test
        void systemIsNeverNamedAsARoleToAskFor() {
            Decision.Rejected rejected = rejected(orderIn(SHIPPED, 4), command("c-1", Transition.DELIVER), FINANCE, OPEN);

            assertThat(rejected.reason())
                    .isEqualTo("role finance may not deliver order o-42; deliver needs role admin, support or warehouse");
        }
    }

    @Nested
    class Versions {
        @Test
        void placeGivesVersionOneAndEachAppliedTransitionAddsOne() {
            Order order = applied(null, command("c-1", Transition.PLACE), CUSTOMER, OPEN).order();
            assertThat(order.version()).isEqualTo(1);
            assertThat(order.state()).isEqualTo(PENDING);

            List<Transition> path = List.of(Transition.CONFIRM, Transition.PAY, Transition.SHIP, Transition.DELIVER,
                    Transition.REFUND);
            List<Role> by = List.of(SYSTEM, CUSTOMER, WAREHOUSE, SYSTEM, FINANCE);
            for (int i = 0; i < path.size(); i++) {
                Decision.Applied applied = applied(order, command("c-" + (i + 2), path.get(i)), by.get(i), OPEN);
                assertThat(applied.order().version()).isEqualTo(i + 2);
                assertThat(applied.change().version()).isEqualTo(i + 2);
                order = applied.order();
            }
            assertThat(order.state()).isEqualTo(REFUNDED);
        }

        @Test
        void goingBackAndForthKeepsCountingUp() {
            Order order = orderIn(PENDING, 1);
            for (int i = 0; i < 5; i++) {
                order = applied(order, command("confirm-" + i, Transition.CONFIRM), SUPPORT, OPEN).order();
                order = applied(order, command("unconfirm-" + i, Transition.UNCONFIRM), SUPPORT, OPEN).order();
            }

            assertThat(order.state()).isEqualTo(PENDING);
            assertThat(order.version()).isEqualTo(11);
        }

        @Test
        void commandExpectingTheCurrentVersionIsApplied() {
            Decision.Applied applied = applied(orderIn(CONFIRMED, 3), command("c-1", Transition.PAY).expecting(3), FINANCE, OPEN);

            assertThat(applied.order().version()).isEqualTo(4);
        }

        @ParameterizedTest
        @ValueSource(longs = {0, 2, 4, 99})
        void commandExpectingAnotherVersionIsRefusedAsAConflictAndChangesNothing(long expected) {
            Order confirmed = orderIn(CONFIRMED, 3);

            Decision.Rejected rejected = rejected(confirmed, command("c-1", Transition.PAY).expecting(expected), FINANCE, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.VERSION_CONFLICT);
            assertThat(rejected.reason()).isEqualTo("order o-42 is at version 3; the command expected version " + expected);
            assertThat(rejected.next().orElseThrow().state()).isEqualTo(CONFIRMED);
            assertThat(rejected.next().orElseThrow().version()).isEqualTo(3);
        }
    }

    @Nested
    class Customers {
        private final Actor otherCustomer = new Actor(OTHER_CUSTOMER_ID, CUSTOMER);

        @Test
        void customerMayCancelTheirOwnOrder() {
            assertThat(applied(orderIn(PENDING, 1), command("c-1", Transition.CANCEL), CUSTOMER, OPEN).order().state())
                    .isEqualTo(CANCELLED);
        }

        @Test
        void customerMayNotCancelAnotherCustomersOrder() {
            Decision decision = MACHINE.decide(orderIn(PENDING, 1), command("c-1", Transition.CANCEL), otherCustomer, OPEN);

            assertThat(decision).isInstanceOfSatisfying(Decision.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(RejectionCode.FORBIDDEN);
                assertThat(r.reason()).isEqualTo("customer c-8 may not cancel order o-42 of another customer");
                assertThat(r.next().orElseThrow().state()).isEqualTo(PENDING);
            });
        }

        @Test
        void customerMayNotPayAnotherCustomersOrder() {
            Decision decision = MACHINE.decide(orderIn(CONFIRMED, 2), command("c-1", Transition.PAY), otherCustomer, OPEN);

            assertThat(decision).isInstanceOfSatisfying(Decision.Rejected.class,
                    r -> assertThat(r.reason()).isEqualTo("customer c-8 may not pay order o-42 of another customer"));
        }

        @Test
        void customerMayNotPlaceAnOrderInAnotherCustomersName() {
            Decision decision = MACHINE.decide(null, command("c-1", Transition.PLACE), otherCustomer, OPEN);

            assertThat(decision).isInstanceOfSatisfying(Decision.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(RejectionCode.FORBIDDEN);
                assertThat(r.reason()).isEqualTo("customer c-8 may not place order o-42 for customer c-7");
                assertThat(r.next()).isEmpty();
            });
        }

        @Test
        void staffMayActOnAnyCustomersOrder() {
            assertThat(applied(orderIn(PENDING, 1), command("c-1", Transition.CANCEL), SUPPORT, OPEN).order().state())
                    .isEqualTo(CANCELLED);
            assertThat(applied(null, command("c-2", Transition.PLACE), SUPPORT, OPEN).order().details().customerId())
                    .isEqualTo(CUSTOMER_ID);
        }
    }

    @Nested
    class PlaceValidation {
        private Decision.Rejected placeRefused(OrderDetails details) {
            Decision.Rejected rejected = rejected(null, Command.of("c-1", ORDER_ID, Transition.PLACE).with(details), SUPPORT, OPEN);
            assertThat(rejected.code()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejected.next()).as("no order is created").isEmpty();
            return rejected;
        }

        @Test
        void placeWithoutDetailsIsRefused() {
            Decision.Rejected rejected = rejected(null, Command.of("c-1", ORDER_ID, Transition.PLACE), CUSTOMER, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejected.reason()).isEqualTo("place of order o-42 needs order details");
        }

        @Test
        void placeNamesEveryProblemOfItsInputAtOnce() {
            OrderDetails careless = new OrderDetails(CUSTOMER_ID, "ada", List.of(line("sku-1", 0, 100)), "card", " ");

            assertThat(placeRefused(careless).reason()).isEqualTo("order o-42 cannot be placed: "
                    + "customer e-mail 'ada' is not an address like ann@example.com; "
                    + "line 1 (sku-1): quantity must be from 1 to 10000, got 0; "
                    + "shipping address is missing; write it like 'Ada Lovelace, 1 Analytical St, N1 9GU London, GB'");
        }

        @Test
        void placeWithAWrongCurrencyIsRefusedNotThrown() {
            OrderLine xx = new OrderLine("sku-1", 1, new Money(500, "XX"));

            assertThat(placeRefused(details(List.of(xx))).reason())
                    .isEqualTo("order o-42 cannot be placed: currency 'XX' is not an ISO 4217 code like EUR or USD");
        }

        @Test
        void placeOfAFarTooLongOrderIdQuotesOnlyItsStart() {
            String longId = "o".repeat(10_000);
            Decision.Rejected rejected = rejected(null, Command.of("c-1", longId, Transition.PLACE).with(details()),
                    SUPPORT, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejected.reason()).hasSizeLessThan(300)
                    .isEqualTo("order '" + "o".repeat(40) + "...' cannot be placed: "
                            + "order id is 10000 characters long; the limit is 64");
        }

        @Test
        void otherCommandsAreCheckedForTheirOwnInputOnly() {
            Decision.Rejected rejected = rejected(orderIn(PENDING, 1),
                    command("c-1", Transition.CANCEL).because("x".repeat(501)), SUPPORT, OPEN);

            assertThat(rejected.code()).isEqualTo(RejectionCode.INVALID_COMMAND);
            assertThat(rejected.reason())
                    .isEqualTo("cancel of order o-42 is invalid: reason is 501 characters long; the limit is 500");
        }

        @Test
        void placeWithValidDetailsCreatesAPendingOrderWithThoseDetails() {
            Decision.Applied applied = applied(null, command("c-1", Transition.PLACE), CUSTOMER, OPEN);

            assertThat(applied.order().state()).isEqualTo(PENDING);
            assertThat(applied.order().details()).isEqualTo(details());
            assertThat(applied.order().placedAt()).isEqualTo(OPEN);
            assertThat(applied.outcome().message()).isEqualTo("order o-42 placed (pending, version 1)");
        }
    }

    @Nested
    class Totals {
        private Money totalOf(List<OrderLine> lines) {
            return applied(null, Command.of("c-1", ORDER_ID, Transition.PLACE).with(details(lines)), SUPPORT, OPEN)
                    .order().total();
        }

        @Test
        void totalIsTheSumOfQuantityTimesUnitPriceInMinorUnits() {
            assertThat(totalOf(details().lines())).isEqualTo(DETAILS_TOTAL);
            // 3 x 19.99 + 1 x 0.01 + 7 x 0.10: 59.97 + 0.01 + 0.70, where doubles would drift.
            assertThat(totalOf(List.of(line("a", 3, 1999), line("b", 1, 1), line("c", 7, 10))))
                    .isEqualTo(new Money(6068, "EUR"));
        }

        @Test
        void totalStaysExactBeyondWhatADoubleCanHold() {
            assertThat(OrderMachine.total(details(List.of(line("a", 3, 3_000_000_000_000_001L)))))
                    .isEqualTo(new Money(9_000_000_000_000_003L, "EUR"));
        }

        @Test
        void freeLinesCountAsZero() {
            assertThat(totalOf(List.of(line("gift", 1, 0), line("a", 2, 50)))).isEqualTo(new Money(100, "EUR"));
        }

        @Test
        void totalIsInTheLinesCurrency() {
            OrderLine pounds = new OrderLine("a", 2, new Money(250, "GBP"));

            assertThat(totalOf(List.of(pounds))).isEqualTo(new Money(500, "GBP"));
        }
    }

    @Nested
    class Idempotency {
        @Test
        void resendingAnAppliedCommandIsADuplicateThatChangesNothing() {
            Order placed = applied(null, command("c-1", Transition.PLACE), CUSTOMER, OPEN).order();
            Decision.Applied confirmed = applied(placed, command("c-2", Transition.CONFIRM), SYSTEM, OPEN);

            Decision again = MACHINE.decide(confirmed.order(), command("c-2", Transition.CONFIRM), actor(SYSTEM), OPEN);

            assertThat(again).isInstanceOf(Decision.Duplicate.class);
            assertThat(again.next()).containsSame(confirmed.order());
            assertThat(again.outcome().status()).isEqualTo(CommandStatus.DUPLICATE);
            assertThat(again.outcome().code()).isNull();
            assertThat(again.outcome().message())
                    .isEqualTo("command c-2 was already handled: order o-42 confirmed (pending -> confirmed, version 2)");
        }

        @Test
        void resendingARefusedCommandRepeatsTheRefusalEvenWhenItWouldNowBeAllowed() {
            Order pending = orderIn(PENDING, 1);
            Decision.Rejected refused = rejected(pending, command("ship-1", Transition.SHIP), WAREHOUSE, OPEN);
            Order order = refused.next().orElseThrow();
            order = applied(order, command("c-2", Transition.CONFIRM), SYSTEM, OPEN).order();
            order = applied(order, command("c-3", Transition.PAY), SYSTEM, OPEN).order();

            Decision again = MACHINE.decide(order, command("ship-1", Transition.SHIP), actor(WAREHOUSE), OPEN);

            assertThat(again).isInstanceOf(Decision.Duplicate.class);
            assertThat(again.next()).containsSame(order);
            assertThat(again.next().orElseThrow().state()).isEqualTo(PAID);
            assertThat(again.outcome().code()).isEqualTo(RejectionCode.INVALID_TRANSITION);
            assertThat(again.outcome().message())
                    .isEqualTo("command ship-1 was already handled: " + refused.reason());
        }

        @Test
        void resendingThePlaceCommandIsADuplicateNotAConflict() {
            Order placed = applied(null, command("place-1", Transition.PLACE), CUSTOMER, OPEN).order();

            Decision again = MACHINE.decide(placed, command("place-1", Transition.PLACE), actor(CUSTOMER), OPEN);

            assertThat(again).isInstanceOf(Decision.Duplicate.class);
            assertThat(again.outcome().code()).isNull();
            assertThat(again.next()).containsSame(placed);
        }

        @Test
        void reusedCommandIdGetsTheFirstAnswerWhateverItNowAsks() {
            Order placed = applied(null, command("c-1", Transition.PLACE), CUSTOMER, OPEN).order();

            Decision again = MACHINE.decide(placed, command("c-1", Transition.CANCEL), actor(SUPPORT), OPEN);

            assertThat(again).isInstanceOf(Decision.Duplicate.class);
            assertThat(again.next().orElseThrow().state()).isEqualTo(PENDING);
        }

        @Test
        void refusalIsRememberedWithoutTouchingStateOrVersion() {
            Order paid = orderIn(PAID, 3);

            Decision.Rejected refused = rejected(paid, command("c-1", Transition.DELIVER), WAREHOUSE, OPEN);

            Order kept = refused.next().orElseThrow();
            assertThat(kept.state()).isEqualTo(PAID);
            assertThat(kept.version()).isEqualTo(3);
            assertThat(kept.updatedAt()).isEqualTo(paid.updatedAt());
            assertThat(kept.outcomeOf("c-1")).contains(refused.outcome());
        }
    }

    @Nested
    class Hours {
        @ParameterizedTest
        @EnumSource(value = Role.class, names = {"WAREHOUSE", "ADMIN"})
        void shipByAPersonOutsideBusinessHoursIsRefusedWithTheNextOpening(Role role) {
            Decision.Rejected rejected = rejected(orderIn(PAID, 3), command("c-1", Transition.SHIP), role, CLOSED);

            assertThat(rejected.code()).isEqualTo(RejectionCode.OUTSIDE_BUSINESS_HOURS);
            assertThat(rejected.reason())
                    .isEqualTo("ship of order o-42 is allowed only in business hours; " + NEXT_OPENING_AFTER_CLOSED);
            assertThat(rejected.next().orElseThrow().state()).isEqualTo(PAID);
            assertThat(rejected.next().orElseThrow().version()).isEqualTo(3);
        }

        @Test
        void shipBySystemOutsideBusinessHoursIsApplied() {
            assertThat(applied(orderIn(PAID, 3), command("c-1", Transition.SHIP), SYSTEM, CLOSED).order().state())
                    .isEqualTo(SHIPPED);
        }

        @Test
        void shipByWarehouseInBusinessHoursIsApplied() {
            assertThat(applied(orderIn(PAID, 3), command("c-1", Transition.SHIP), WAREHOUSE, OPEN).order().state())
                    .isEqualTo(SHIPPED);
        }

        @Test
        void shipOnTheEveOfHolidaysNamesTheFirstOpeningAfterThem() {
            Instant wednesdayEvening = berlin("2026-12-23T18:00");

            Decision.Rejected rejected = rejected(orderIn(PAID, 3), command("c-1", Transition.SHIP), WAREHOUSE, wednesdayEvening);

            assertThat(rejected.reason()).endsWith("next opening Sat 2026-12-26 10:00 Europe/Berlin");
        }

        @Test
        void transitionsWithoutTheHoursFlagIgnoreTheClock() {
            assertThat(applied(orderIn(SHIPPED, 4), command("c-1", Transition.DELIVER), WAREHOUSE, CLOSED).order().state())
                    .isEqualTo(DELIVERED);
            assertThat(applied(orderIn(SHIPPED, 4), command("c-2", Transition.UNSHIP), WAREHOUSE, CLOSED).order().state())
                    .isEqualTo(PAID);
            assertThat(applied(orderIn(PAID, 3), command("c-3", Transition.REFUND), FINANCE, CLOSED).order().state())
                    .isEqualTo(REFUNDED);
        }

        @Test
        void wrongStateIsReportedBeforeTheClock() {
            Decision.Rejected rejected = rejected(orderIn(PENDING, 1), command("c-1", Transition.SHIP), WAREHOUSE, CLOSED);

            assertThat(rejected.code()).isEqualTo(RejectionCode.INVALID_TRANSITION);
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("io.orderflow.domain.TransitionTableTest#everyStateAndRole")
    void availableListsExactlyTheTransitionsTheMachineApplies(OrderState state, Role role) {
        List<Transition> available = TransitionTable.available(state, role);

        for (Transition transition : Transition.values()) {
            Decision decision = MACHINE.decide(orderIn(state, 2), command("c-1", transition), actor(role), OPEN);
            assertThat(decision instanceof Decision.Applied)
                    .as("%s offered to %s on %s", transition, role, state)
                    .isEqualTo(available.contains(transition));
        }
    }

    private static Decision.Applied applied(Order current, Command command, Role role, Instant now) {
        Decision decision = MACHINE.decide(current, command, actor(role), now);
        assertThat(decision).as("%s by %s", command.transition(), role).isInstanceOf(Decision.Applied.class);
        return (Decision.Applied) decision;
    }

    private static Decision.Rejected rejected(Order current, Command command, Role role, Instant now) {
        Decision decision = MACHINE.decide(current, command, actor(role), now);
        assertThat(decision).as("%s by %s", command.transition(), role).isInstanceOf(Decision.Rejected.class);
        return (Decision.Rejected) decision;
    }
}
