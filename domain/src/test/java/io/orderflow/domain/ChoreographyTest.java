package io.orderflow.domain;

import static io.orderflow.domain.ChoreographyWorld.TIMEOUTS;
import static io.orderflow.domain.Fixtures.CLOSED;
import static io.orderflow.domain.Fixtures.CUSTOMER_ID;
import static io.orderflow.domain.Fixtures.OPEN;
import static io.orderflow.domain.Fixtures.ORDER_ID;
import static io.orderflow.domain.Fixtures.actor;
import static io.orderflow.domain.Fixtures.berlin;
import static io.orderflow.schema.Effect.CAPTURE_PAYMENT;
import static io.orderflow.schema.Effect.CREATE_LABEL;
import static io.orderflow.schema.Effect.DEDUCT_STOCK;
import static io.orderflow.schema.Effect.REFUND_PAYMENT;
import static io.orderflow.schema.Effect.RELEASE_STOCK;
import static io.orderflow.schema.Effect.RESERVE_STOCK;
import static io.orderflow.schema.Effect.RESTORE_STOCK;
import static io.orderflow.schema.Effect.VOID_LABEL;
import static io.orderflow.schema.Effect.VOID_PAYMENT;
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
import static io.orderflow.schema.Transition.CANCEL;
import static io.orderflow.schema.Transition.CONFIRM;
import static io.orderflow.schema.Transition.DELIVER;
import static io.orderflow.schema.Transition.PAY;
import static io.orderflow.schema.Transition.PLACE;
import static io.orderflow.schema.Transition.REFUND;
import static io.orderflow.schema.Transition.REOPEN;
import static io.orderflow.schema.Transition.SHIP;
import static io.orderflow.schema.Transition.UNCONFIRM;
import static io.orderflow.schema.Transition.UNSHIP;
import static io.orderflow.schema.Transition.VOID;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.domain.ChoreographyWorld.Fact;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The choreographed machine ({@code Rules.choreographed}) by example: transitions that need a worker go in flight, and
 * worker outcomes, a moving clock and carrier news complete them, roll them back or compensate them. Every step also
 * passes the per-step invariants of {@link ChoreographyWorld}.
 */
class ChoreographyTest {

    private static final Duration IN_FLIGHT = TIMEOUTS.inFlight();
    private static final Duration HELD = TIMEOUTS.held();
    private static final Duration FOLLOW_UP = TIMEOUTS.followUp();

    // ---------------------------------------------------------------- getting an order into shape, through the machine

    /** Placed: pending, with the automatic confirm (reserve r1) in flight. */
    static ChoreographyWorld placed(Instant at) {
        ChoreographyWorld w = new ChoreographyWorld(at);
        w.place();
        return w;
    }

    /** Pending with nothing in flight: the automatic reservation failed. */
    static ChoreographyWorld pendingIdle() {
        ChoreographyWorld w = placed(OPEN);
        w.fail("o-42-r1", "out of stock: sku-1");
        return w;
    }

    /** Confirmed, with the automatic pay (capture r2) in flight. */
    static ChoreographyWorld payInFlight() {
        ChoreographyWorld w = placed(OPEN);
        w.succeed("o-42-r1");
        return w;
    }

    /** Confirmed with nothing in flight: the automatic capture was declined. */
    static ChoreographyWorld confirmedIdle() {
        ChoreographyWorld w = payInFlight();
        w.fail("o-42-r2", "card declined");
        return w;
    }

    /** Paid, with the automatic ship (label r3) in flight. */
    static ChoreographyWorld shipInFlight() {
        ChoreographyWorld w = payInFlight();
        w.succeed("o-42-r2");
        return w;
    }

    /** Paid with nothing in flight: the automatic label failed. */
    static ChoreographyWorld paidIdle() {
        ChoreographyWorld w = shipInFlight();
        w.fail("o-42-r3", "address not serviceable");
        return w;
    }

    /** Shipped (deduct f4 requested). */
    static ChoreographyWorld shipped() {
        ChoreographyWorld w = shipInFlight();
        w.succeed("o-42-r3");
        return w;
    }

    static ChoreographyWorld delivered() {
        ChoreographyWorld w = shipped();
        w.track(Outcome.DELIVERED);
        return w;
    }

    static ChoreographyWorld cancelled() {
        ChoreographyWorld w = pendingIdle();
        w.command(CANCEL, SUPPORT);
        return w;
    }

    private static EffectRequest only(List<EffectRequest> requests) {
        assertThat(requests).hasSize(1);
        return requests.get(0);
    }

    @Nested
    class GoingInFlight {

        @Test
        void placingAppliesAtOnceAndStartsTheReservationOnTheAutomaticPath() {
            ChoreographyWorld w = new ChoreographyWorld(OPEN);

            Decision d = w.place();

            assertThat(d).isInstanceOf(Decision.Applied.class);
            Decision.Applied applied = (Decision.Applied) d;
            assertThat(applied.change()).isEqualTo(new StateChange(PLACE, null, PENDING, 1, null,
                    new Actor(CUSTOMER_ID, CUSTOMER)));
            assertThat(applied.requests()).containsExactly(
                    new EffectRequest("o-42-r1", CONFIRM, RESERVE_STOCK, false, null, OPEN.plus(IN_FLIGHT)));
            Order o = applied.order();
            assertThat(o.state()).isEqualTo(PENDING);
            assertThat(o.version()).isEqualTo(1);
            InFlight f = o.inFlight().orElseThrow();
            assertThat(f.requestId()).isEqualTo("o-42-r1");
            assertThat(f.transition()).isEqualTo(CONFIRM);
            assertThat(f.effect()).isEqualTo(RESERVE_STOCK);
            assertThat(f.actor()).isEqualTo(OrderMachine.ENGINE);
            assertThat(f.correlationId()).as("the automatic path keeps the place command's correlation")
                    .isEqualTo("cmd-place");
            assertThat(f.startedAt()).isEqualTo(OPEN);
            assertThat(f.deadline()).isEqualTo(OPEN.plus(IN_FLIGHT));
            assertThat(o.deadline(TIMEOUTS)).contains(OPEN.plus(IN_FLIGHT));
        }

        static Stream<Arguments> gatingCommands() {
            return Stream.of(
                    Arguments.of("confirm by support, pending", (Supplier<ChoreographyWorld>) ChoreographyTest::pendingIdle, CONFIRM, SUPPORT, RESERVE_STOCK, "stock reservation"),
                    Arguments.of("pay by the customer, confirmed", (Supplier<ChoreographyWorld>) ChoreographyTest::confirmedIdle, PAY, CUSTOMER, CAPTURE_PAYMENT, "payment capture"),
                    Arguments.of("void by finance, paid", (Supplier<ChoreographyWorld>) ChoreographyTest::paidIdle, VOID, FINANCE, VOID_PAYMENT, "the payment to be voided"),
                    Arguments.of("ship by the warehouse, paid", (Supplier<ChoreographyWorld>) ChoreographyTest::paidIdle, SHIP, WAREHOUSE, CREATE_LABEL, "a shipping label"),
                    Arguments.of("unship by the warehouse, shipped", (Supplier<ChoreographyWorld>) ChoreographyTest::shipped, UNSHIP, WAREHOUSE, VOID_LABEL, "the label to be voided"),
                    Arguments.of("refund by finance, paid", (Supplier<ChoreographyWorld>) ChoreographyTest::paidIdle, REFUND, FINANCE, REFUND_PAYMENT, "the refund"),
                    Arguments.of("refund by admin, shipped", (Supplier<ChoreographyWorld>) ChoreographyTest::shipped, REFUND, ADMIN, REFUND_PAYMENT, "the refund"),
                    Arguments.of("refund by finance, delivered", (Supplier<ChoreographyWorld>) ChoreographyTest::delivered, REFUND, FINANCE, REFUND_PAYMENT, "the refund"));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("gatingCommands")
        void aTransitionThatNeedsAWorkerGoesInFlightAndKeepsStateAndVersion(
                String name, Supplier<ChoreographyWorld> setup, Transition transition, Role role,
                Effect effect, String waitingFor) {
            ChoreographyWorld w = setup.get();
            Order before = w.order;
            long seq = before.workflow().requestSeq();
            w.advance(Duration.ofMinutes(5));
            Instant now = w.now;

            Decision d = w.command(transition, role);

            assertThat(d).isInstanceOf(Decision.Started.class);
            assertThat(d.outcome().status()).isEqualTo(CommandStatus.IN_FLIGHT);
            assertThat(d.outcome().message()).isEqualTo("order o-42: " + transition.name().toLowerCase()
                    + " in flight, waiting for " + waitingFor);
            String id = ORDER_ID + "-r" + (seq + 1);
            assertThat(d.requests()).containsExactly(
                    new EffectRequest(id, transition, effect, false, null, now.plus(IN_FLIGHT)));
            Order after = d.next().orElseThrow();
            assertThat(after.state()).isEqualTo(before.state());
            assertThat(after.version()).isEqualTo(before.version());
            assertThat(after.fulfilment()).isEqualTo(before.fulfilment());
            InFlight f = after.inFlight().orElseThrow();
            assertThat(f.requestId()).isEqualTo(id);
            assertThat(f.actor()).isEqualTo(actor(role));
            assertThat(f.commandId()).isEqualTo(d.outcome().commandId());
            assertThat(f.deadline()).isEqualTo(now.plus(IN_FLIGHT));
            assertThat(after.deadline(TIMEOUTS)).contains(now.plus(IN_FLIGHT));
            assertThat(after.outcomeOf(d.outcome().commandId())).contains(d.outcome());
        }

        @Test
        void theAutomaticShipOutsideBusinessHoursWaitsForTheOpeningNotAgainstItsTimeout() {
            ChoreographyWorld w = placed(CLOSED);
            w.succeed("o-42-r1");
            w.succeed("o-42-r2");

            Instant monday = berlin("2026-06-15T09:00");
            InFlight ship = w.order.inFlight().orElseThrow();
            assertThat(ship.transition()).isEqualTo(SHIP);
            assertThat(ship.actor()).isEqualTo(OrderMachine.ENGINE);
            assertThat(ship.deadline()).isEqualTo(monday.plus(IN_FLIGHT));
            assertThat(w.request("o-42-r3").deadline()).isEqualTo(monday.plus(IN_FLIGHT));

            assertThat(w.advanceTo(berlin("2026-06-15T09:00:30"))).as("not timed out over the weekend").isEmpty();
            assertThat(w.order.inFlight()).contains(ship);
        }

        @Test
        void theAutomaticShipInBusinessHoursGetsTheUsualTimeout() {
            ChoreographyWorld w = shipInFlight();

            assertThat(w.order.inFlight().orElseThrow().deadline()).isEqualTo(OPEN.plus(IN_FLIGHT));
        }

        @Test
        void shipBySystemOutsideHoursIsStartedWithTheDeadlineAfterTheOpeningButAPersonIsRefused() {
            ChoreographyWorld w = paidIdle();
            w.advanceTo(CLOSED);

            Decision byWarehouse = w.command(SHIP, WAREHOUSE);
            Decision bySystem = w.command(SHIP, SYSTEM);

            assertThat(byWarehouse.outcome().code()).isEqualTo(RejectionCode.OUTSIDE_BUSINESS_HOURS);
            assertThat(byWarehouse.outcome().message()).contains(Fixtures.NEXT_OPENING_AFTER_CLOSED);
            assertThat(bySystem).isInstanceOf(Decision.Started.class);
            assertThat(only(bySystem.requests()).deadline()).isEqualTo(berlin("2026-06-15T09:00").plus(IN_FLIGHT));
        }

        @Test
        void everyRequestOfALongLifeHasItsOwnSequentialIdRForWhatATransitionWaitsForFForTheRest() {
            ChoreographyWorld w = shipped();
            w.command(UNSHIP, WAREHOUSE);
            w.succeed(w.inFlightId());
            w.command(SHIP, WAREHOUSE);
            w.succeed(w.inFlightId());
            w.command(REFUND, FINANCE);
            w.succeed(w.inFlightId());

            assertThat(w.requests()).extracting(r -> r.requestId() + " " + r.effect()).containsExactly(
                    "o-42-r1 RESERVE_STOCK", "o-42-r2 CAPTURE_PAYMENT", "o-42-r3 CREATE_LABEL", "o-42-f4 DEDUCT_STOCK",
                    "o-42-r5 VOID_LABEL", "o-42-f6 RESTORE_STOCK", "o-42-r7 CREATE_LABEL", "o-42-f8 DEDUCT_STOCK",
                    "o-42-r9 REFUND_PAYMENT", "o-42-f10 RELEASE_STOCK");
            assertThat(w.requests()).allSatisfy(r -> assertThat(r.requestId().contains("-f")).isEqualTo(r.compensation()));
            assertThat(w.order.workflow().requestSeq()).isEqualTo(10);
            assertThat(w.order.state()).isEqualTo(REFUNDED);
        }

        @Test
        void compensationsDrawTheirIdsFromTheSameCounter() {
            ChoreographyWorld w = payInFlight();
            w.command(CANCEL, SUPPORT);
            w.command(REOPEN, ADMIN);

            assertThat(w.requests()).extracting(r -> r.requestId() + " " + r.effect()).containsExactly(
                    "o-42-r1 RESERVE_STOCK", "o-42-r2 CAPTURE_PAYMENT", "o-42-f3 VOID_PAYMENT", "o-42-f4 RELEASE_STOCK",
                    "o-42-r5 RESERVE_STOCK");
            assertThat(w.inFlightId()).isEqualTo("o-42-r5");
        }
    }

    @Nested
    class Completing {

        @Test
        void theAutomaticPathRunsFromPlacedToShippedRecordingEveryReference() {
            ChoreographyWorld w = placed(OPEN);

            Reaction confirmed = w.succeed("o-42-r1");
            assertThat(confirmed.changes()).containsExactly(
                    new StateChange(CONFIRM, PENDING, CONFIRMED, 2, null, OrderMachine.ENGINE));
            assertThat(confirmed.requests()).containsExactly(
                    new EffectRequest("o-42-r2", PAY, CAPTURE_PAYMENT, false, null, OPEN.plus(IN_FLIGHT)));
            assertThat(confirmed.order().inFlight().orElseThrow().correlationId()).isEqualTo("cmd-place");

            Reaction paid = w.succeed("o-42-r2");
            assertThat(paid.changes()).containsExactly(new StateChange(PAY, CONFIRMED, PAID, 3, null, OrderMachine.ENGINE));
            assertThat(paid.order().fulfilment().paymentReference()).isEqualTo("ch-o-42-r2");
            assertThat(paid.requests()).containsExactly(
                    new EffectRequest("o-42-r3", SHIP, CREATE_LABEL, false, null, OPEN.plus(IN_FLIGHT)));

            Reaction shipped = w.succeed("o-42-r3");
            assertThat(shipped.changes()).containsExactly(
                    new StateChange(SHIP, PAID, SHIPPED, 4, null, OrderMachine.ENGINE));
            assertThat(shipped.order().fulfilment())
                    .isEqualTo(new Fulfilment("ch-o-42-r2", "lbl-o-42-r3", "trk-o-42-r3"));
            assertThat(shipped.requests()).as("stock leaves once the parcel is labelled; nobody waits for it")
                    .containsExactly(new EffectRequest("o-42-f4", SHIP, DEDUCT_STOCK, true, null, OPEN.plus(FOLLOW_UP)));
            assertThat(shipped.order().inFlight()).isEmpty();
            assertThat(shipped.order().deadline(TIMEOUTS)).as("the deduction is watched until answered")
                    .contains(OPEN.plus(FOLLOW_UP));
            assertThat(shipped.updates()).isEmpty();

            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void aStaffTransitionCompletesAsItsPersonTookItAndRemembersTheCommandAnswer() {
            ChoreographyWorld w = pendingIdle();
            Decision started = w.command(Command.of("cmd-confirm", ORDER_ID, CONFIRM).because("stock arrived"),
                    actor(SUPPORT));

            Reaction done = w.succeed(w.inFlightId());

            assertThat(done.changes()).containsExactly(
                    new StateChange(CONFIRM, PENDING, CONFIRMED, 2, "stock arrived", actor(SUPPORT)));
            assertThat(done.order().outcomeOf("cmd-confirm")).contains(started.outcome());
            assertThat(done.order().workflow().abandonedRequests()).as("nothing was given up").isEmpty();
            assertThat(done.order().inFlight().orElseThrow().transition()).as("and the automatic path goes on")
                    .isEqualTo(PAY);
        }

        @Test
        void unshipVoidsTheLabelAndRestoresTheStock() {
            ChoreographyWorld w = shipped();
            w.command(UNSHIP, WAREHOUSE);

            Reaction done = w.succeed("o-42-r5");

            assertThat(done.changes()).singleElement().satisfies(c -> {
                assertThat(c.transition()).isEqualTo(UNSHIP);
                assertThat(c.to()).isEqualTo(PAID);
                assertThat(c.version()).isEqualTo(5);
            });
            assertThat(done.order().fulfilment()).isEqualTo(new Fulfilment("ch-o-42-r2", null, null));
            assertThat(done.requests()).containsExactly(
                    new EffectRequest("o-42-f6", UNSHIP, RESTORE_STOCK, true, null, w.now.plus(FOLLOW_UP)));
            assertThat(done.order().inFlight()).as("unship is not on the automatic path").isEmpty();
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void voidReturnsToConfirmedForgetsThePaymentAndDoesNotCaptureAgainOnItsOwn() {
            ChoreographyWorld w = paidIdle();
            w.command(VOID, FINANCE);

            Reaction done = w.succeed("o-42-r4");

            assertThat(done.changes()).singleElement().satisfies(c -> assertThat(c.to()).isEqualTo(CONFIRMED));
            assertThat(done.order().fulfilment().paymentReference()).isNull();
            assertThat(done.requests()).isEmpty();
            assertThat(done.order().inFlight()).isEmpty();
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        static Stream<Arguments> releasingTransitions() {
            return Stream.of(
                    Arguments.of("cancel of a confirmed order", (Supplier<ChoreographyWorld>) ChoreographyTest::confirmedIdle, CANCEL, SUPPORT, CANCELLED),
                    Arguments.of("unconfirm", (Supplier<ChoreographyWorld>) ChoreographyTest::confirmedIdle, UNCONFIRM, SUPPORT, PENDING),
                    Arguments.of("refund of a paid order", (Supplier<ChoreographyWorld>) ChoreographyTest::paidIdle, REFUND, FINANCE, REFUNDED),
                    Arguments.of("refund of a shipped order", (Supplier<ChoreographyWorld>) ChoreographyTest::shipped, REFUND, ADMIN, REFUNDED));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("releasingTransitions")
        void transitionsThatGiveUpTheGoodsReleaseTheReservation(String name,
                Supplier<ChoreographyWorld> setup, Transition transition, Role role, OrderState to) {
            ChoreographyWorld w = setup.get();
            w.quiesce();
            long version = w.order.version();

            w.command(transition, role);
            Reaction done = w.order.inFlight().isPresent() ? w.succeed(w.inFlightId()) : null;

            ChoreographyWorld.Turn last = w.lastTurn();
            assertThat(last.changes()).singleElement().satisfies(c -> {
                assertThat(c.transition()).isEqualTo(transition);
                assertThat(c.to()).isEqualTo(to);
                assertThat(c.version()).isEqualTo(version + 1);
            });
            assertThat(last.requests()).singleElement().satisfies(r -> {
                assertThat(r.effect()).isEqualTo(RELEASE_STOCK);
                assertThat(r.transition()).isEqualTo(transition);
                assertThat(r.targetRequestId()).as("all the order holds").isNull();
            });
            if (transition == REFUND) {
                assertThat(done).isNotNull();
            }
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }
    }

    @Nested
    class FailingAndHolding {

        static Stream<Arguments> automaticSteps() {
            return Stream.of(
                    Arguments.of((Supplier<ChoreographyWorld>) () -> placed(OPEN), "o-42-r1", CONFIRM, PENDING, "out of stock: sku-1 (2 wanted, 1 left)"),
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::payInFlight, "o-42-r2", PAY, CONFIRMED, "card declined"),
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::shipInFlight, "o-42-r3", SHIP, PAID, "address not serviceable"));
        }

        @ParameterizedTest(name = "{2} failed")
        @MethodSource("automaticSteps")
        void aFailureRollsBackWithTheReasonVisibleAndNothingToCompensate(
                Supplier<ChoreographyWorld> setup, String requestId, Transition transition,
                OrderState from, String reason) {
            ChoreographyWorld w = setup.get();
            Order before = w.order;

            Reaction r = w.fail(requestId, reason);

            String note = transition.name().toLowerCase() + " failed: " + reason;
            assertThat(r.changes()).isEmpty();
            assertThat(r.requests()).as("the worker did nothing; there is nothing to undo").isEmpty();
            assertThat(r.updates()).containsExactly(new OrderUpdate(transition, UpdateStatus.ROLLED_BACK, note, requestId));
            assertThat(r.order().state()).isEqualTo(from);
            assertThat(r.order().version()).isEqualTo(before.version());
            assertThat(r.order().inFlight()).isEmpty();
            assertThat(r.order().workflow().note()).isEqualTo(note);
            assertThat(r.order().fulfilment()).isEqualTo(before.fulfilment());
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void aHoldKeepsTheTransitionInFlightWithTheReasonAndALaterDeadline() {
            ChoreographyWorld w = payInFlight();
            w.advance(Duration.ofSeconds(30));
            Order before = w.order;

            Reaction held = w.hold("o-42-r2", "payment gateway unavailable (circuit open)");

            InFlight f = held.order().inFlight().orElseThrow();
            assertThat(f.requestId()).isEqualTo("o-42-r2");
            assertThat(f.heldReason()).isEqualTo("payment gateway unavailable (circuit open)");
            assertThat(f.deadline()).isEqualTo(w.now.plus(HELD));
            assertThat(held.order().workflow().note()).isEqualTo("held: payment gateway unavailable (circuit open)");
            assertThat(held.order().state()).isEqualTo(CONFIRMED);
            assertThat(held.order().version()).isEqualTo(before.version());
            assertThat(held.changes()).isEmpty();
            assertThat(held.requests()).isEmpty();
            assertThat(held.updates()).containsExactly(new OrderUpdate(PAY, UpdateStatus.HELD,
                    "payment gateway unavailable (circuit open)", "o-42-r2"));

            assertThat(w.advance(IN_FLIGHT.multipliedBy(2))).as("the usual timeout no longer applies").isEmpty();

            Reaction again = w.hold("o-42-r2", "payment gateway unavailable (circuit open)");
            assertThat(again.isEmpty()).as("the same hold again changes nothing").isTrue();
            assertThat(again.order()).isEqualTo(held.order());

            Reaction other = w.hold("o-42-r2", "3-D Secure challenge pending");
            assertThat(other.updates()).singleElement().satisfies(u -> assertThat(u.reason())
                    .isEqualTo("3-D Secure challenge pending"));
            assertThat(other.order().inFlight().orElseThrow().deadline()).isEqualTo(w.now.plus(HELD));

            Reaction paid = w.succeed("o-42-r2");
            assertThat(paid.changes()).singleElement().satisfies(c -> assertThat(c.to()).isEqualTo(PAID));
            assertThat(paid.order().workflow().note()).as("the hold is over").isNull();
        }

        @Test
        void aHoldNeverBringsTheDeadlineForward() {
            // The automatic ship started on Saturday evening waits for Monday's opening (Mon 09:01). The shipping
            // worker says it holds the label until business hours open: that must not shorten the wait to 2 h.
            ChoreographyWorld w = placed(CLOSED);
            w.succeed("o-42-r1");
            w.succeed("o-42-r2");
            Instant monday = berlin("2026-06-15T09:00").plus(IN_FLIGHT);
            assertThat(w.order.inFlight().orElseThrow().deadline()).isEqualTo(monday);
            w.advance(Duration.ofMinutes(5));

            Reaction held = w.hold("o-42-r3", "business hours closed");

            assertThat(held.order().inFlight().orElseThrow().deadline()).isAfterOrEqualTo(monday);
            assertThat(w.advanceTo(berlin("2026-06-14T12:00"))).as("Sunday: still waiting").isEmpty();
            assertThat(w.order.inFlight()).isPresent();
        }
    }

    @Nested
    class FailedFollowUps {

        static Stream<Arguments> failedFollowUps() {
            return Stream.of(
                    Arguments.of("the void of a capture abandoned by cancel", (Supplier<ChoreographyWorld>) () -> {
                        ChoreographyWorld w = payInFlight();
                        w.command(CANCEL, CUSTOMER);
                        w.succeed("o-42-r2"); // the capture had gone through at the gateway
                        return w;
                    }, "o-42-f3", VOID_PAYMENT, "payment gateway refused the void"),
                    Arguments.of("the label void of a ship that timed out", (Supplier<ChoreographyWorld>) () -> {
                        ChoreographyWorld w = shipInFlight();
                        w.passDeadline(Duration.ofSeconds(1));
                        w.succeed("o-42-r3"); // the label had been bought after all
                        return w;
                    }, "o-42-f4", VOID_LABEL, "carrier refused the void: label already scanned"),
                    Arguments.of("the release after a cancel", (Supplier<ChoreographyWorld>) () -> {
                        ChoreographyWorld w = confirmedIdle();
                        w.command(CANCEL, SUPPORT);
                        return w;
                    }, "o-42-f3", RELEASE_STOCK, "stock database unavailable"),
                    Arguments.of("the deduction after shipping", (Supplier<ChoreographyWorld>) ChoreographyTest::shipped,
                            "o-42-f4", DEDUCT_STOCK, "reservation not found"),
                    Arguments.of("the restock after unshipping", (Supplier<ChoreographyWorld>) () -> {
                        ChoreographyWorld w = shipped();
                        w.quiesce();
                        w.command(UNSHIP, WAREHOUSE);
                        w.succeed("o-42-r5");
                        return w;
                    }, "o-42-f6", RESTORE_STOCK, "sku-2 discontinued"));
        }

        @ParameterizedTest(name = "{0} failed")
        @MethodSource("failedFollowUps")
        void aFailedCompensationOrFollowUpIsFlaggedForStaffAndNotRetried(String name,
                Supplier<ChoreographyWorld> setup, String requestId, Effect effect, String reason) {
            ChoreographyWorld w = setup.get();
            assertThat(w.request(requestId).compensation()).as("nothing waits for %s", requestId).isTrue();
            assertThat(w.request(requestId).effect()).isEqualTo(effect);
            Order before = w.order;

            Reaction r = w.fail(requestId, reason);

            String why = effect.name().toLowerCase() + " failed for " + requestId + ": " + reason + "; needs attention";
            assertThat(r.updates()).containsExactly(
                    new OrderUpdate(w.request(requestId).transition(), UpdateStatus.FLAGGED, why, requestId));
            assertThat(r.requests()).as("not retried by the engine: the worker retried before giving up").isEmpty();
            assertThat(r.changes()).isEmpty();
            assertThat(r.order().workflow().note()).isEqualTo(why);
            assertThat(r.order().state()).isEqualTo(before.state());
            assertThat(r.order().version()).isEqualTo(before.version());
            assertThat(r.order().inFlight()).isEqualTo(before.inFlight());
            assertThat(r.order().fulfilment()).isEqualTo(before.fulfilment());
            assertThat(r.order().workflow().flag()).isEqualTo(why);

            Reaction again = w.deliver(w.delivered().get(w.delivered().size() - 1));
            assertThat(again.isEmpty()).as("a repeated failure does not flag twice").isTrue();
        }

        @ParameterizedTest(name = "{0} lost")
        @MethodSource("failedFollowUps")
        void aFollowUpWithNoFinalAnswerFlagsTheOrderByItsDeadline(String name, Supplier<ChoreographyWorld> setup,
                                                                   String requestId, Effect effect, String reason) {
            ChoreographyWorld w = setup.get();
            EffectRequest lost = w.request(requestId);
            // Its worker dead-letters it: no answer ever comes.

            assertThat(w.order.deadline(TIMEOUTS).orElseThrow()).isBeforeOrEqualTo(lost.deadline());
            w.advanceTo(lost.deadline().minusSeconds(1));
            assertThat(w.order.workflow().flag()).as("not before its deadline").isNull();
            List<Reaction> reactions = w.advanceTo(lost.deadline());

            assertThat(reactions).flatExtracting(Reaction::updates).anySatisfy(u -> {
                assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED);
                assertThat(u.requestId()).isEqualTo(requestId);
                assertThat(u.reason()).contains(effect.name().toLowerCase(), "got no final answer", "needs attention");
            });
            assertThat(w.order.workflow().flag()).isNotNull();
            assertThat(w.order.workflow().watched(requestId)).isEmpty();
        }

        @Test
        void aCancelledOrderWhoseCaptureCouldNotBeVoidedSaysSo() {
            // The customer cancels while the capture is in flight; the capture goes through, and the void fails.
            ChoreographyWorld w = payInFlight();
            w.command(CANCEL, CUSTOMER);
            w.succeed("o-42-r2");
            w.fail("o-42-f3", "payment gateway refused the void");

            assertThat(w.order.state()).isEqualTo(CANCELLED);
            assertThat(w.payments()).as("the customer's money is still held").containsEntry("o-42-r2", Fact.CAPTURED);
            assertThat(w.order.workflow().note())
                    .isEqualTo("void_payment failed for o-42-f3: payment gateway refused the void; needs attention");
            assertThat(w.lastTurn().updates()).singleElement()
                    .satisfies(u -> assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED));
        }

        @Test
        void aFailureOfAGatingRequestNoLongerInFlightIsNotFlagged() {
            ChoreographyWorld w = shipInFlight();
            w.passDeadline(Duration.ofSeconds(1));
            Order before = w.order;

            Reaction r = w.fail("o-42-r3", "address not serviceable");

            assertThat(r.isEmpty()).as("nothing happened at the carrier; nothing to tell").isTrue();
            assertThat(r.order()).isEqualTo(before);
        }
    }

    @Nested
    class Conflicts {

        static Stream<Arguments> conflicting() {
            return Stream.of(
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::payInFlight, UNCONFIRM, SUPPORT, "payment capture", "pay"),
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::payInFlight, PAY, CUSTOMER, "payment capture", "pay"),
                    Arguments.of((Supplier<ChoreographyWorld>) () -> placed(OPEN), CONFIRM, ADMIN, "stock reservation", "confirm"),
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::shipInFlight, REFUND, FINANCE, "a shipping label", "ship"),
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::shipInFlight, VOID, FINANCE, "a shipping label", "ship"),
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::shipInFlight, SHIP, WAREHOUSE, "a shipping label", "ship"));
        }

        @ParameterizedTest(name = "{1} while {4} is in flight")
        @MethodSource("conflicting")
        void aConflictingCommandIsRefusedWithTransitionInFlight(Supplier<ChoreographyWorld> setup,
                Transition transition, Role role, String waitingFor, String inFlight) {
            ChoreographyWorld w = setup.get();
            Order before = w.order;

            Decision d = w.command(transition, role);

            assertThat(d).isInstanceOf(Decision.Rejected.class);
            assertThat(d.outcome().code()).isEqualTo(RejectionCode.TRANSITION_IN_FLIGHT);
            assertThat(d.outcome().message()).isEqualTo("order o-42 is waiting for " + waitingFor + " (" + inFlight
                    + " in flight since " + OPEN + "); " + transition.name().toLowerCase()
                    + " can be taken when it completes");
            Order after = d.next().orElseThrow();
            assertThat(after.workflow()).isEqualTo(before.workflow());
            assertThat(after.version()).isEqualTo(before.version());
            assertThat(d.requests()).isEmpty();
        }

        @Test
        void theRefusalSaysWhyAHeldTransitionWaits() {
            ChoreographyWorld w = payInFlight();
            w.hold("o-42-r2", "payment gateway unavailable");

            Decision d = w.command(UNCONFIRM, ADMIN);

            assertThat(d.outcome().message()).isEqualTo("order o-42 is waiting for payment capture (pay in flight since "
                    + OPEN + ", held: payment gateway unavailable); unconfirm can be taken when it completes");
        }

        @Test
        void cancelPreemptsAnInFlightConfirmAndReleasesTheAbandonedReservation() {
            ChoreographyWorld w = placed(OPEN);

            Decision d = w.command(Command.of("cmd-cancel", ORDER_ID, CANCEL).because("changed my mind"),
                    new Actor(CUSTOMER_ID, CUSTOMER));

            assertThat(d).isInstanceOf(Decision.Applied.class);
            assertThat(((Decision.Applied) d).change()).isEqualTo(new StateChange(CANCEL, PENDING, CANCELLED, 2,
                    "changed my mind", new Actor(CUSTOMER_ID, CUSTOMER)));
            assertThat(d.requests()).containsExactly(
                    new EffectRequest("o-42-f2", CONFIRM, RELEASE_STOCK, true, "o-42-r1", OPEN.plus(FOLLOW_UP)),
                    new EffectRequest("o-42-f3", CANCEL, RELEASE_STOCK, true, null, OPEN.plus(FOLLOW_UP)));
            assertThat(d.next().orElseThrow().inFlight()).isEmpty();
            assertThat(d.outcome().status()).isEqualTo(CommandStatus.APPLIED);

            w.quiesce();
            assertThat(w.order.state()).isEqualTo(CANCELLED);
            assertThat(w.stock()).containsEntry("o-42-r1", Fact.RELEASED);
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void cancelPreemptsAnInFlightPayAndVoidsTheAbandonedCapture() {
            ChoreographyWorld w = payInFlight();
            w.advance(Duration.ofSeconds(10));

            Decision d = w.command(CANCEL, SUPPORT);

            assertThat(d).isInstanceOf(Decision.Applied.class);
            assertThat(((Decision.Applied) d).change().from()).isEqualTo(CONFIRMED);
            assertThat(d.requests()).containsExactly(
                    new EffectRequest("o-42-f3", PAY, VOID_PAYMENT, true, "o-42-r2", w.now.plus(FOLLOW_UP)),
                    new EffectRequest("o-42-f4", CANCEL, RELEASE_STOCK, true, null, w.now.plus(FOLLOW_UP)));

            w.quiesce();
            assertThat(w.payments()).containsEntry("o-42-r2", Fact.VOIDED);
            assertThat(w.stock()).containsEntry("o-42-r1", Fact.RELEASED);
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void cancelCannotPreemptAShipBecauseAPaidOrderCannotBeCancelled() {
            ChoreographyWorld w = shipInFlight();

            Decision d = w.command(CANCEL, ADMIN);

            assertThat(d.outcome().code()).isEqualTo(RejectionCode.INVALID_TRANSITION);
            assertThat(w.order.inFlight()).isPresent();
        }
    }

    @Nested
    class LateAndRepeatedOutcomes {

        static Stream<Arguments> abandoned() {
            return Stream.of(
                    Arguments.of("reserve preempted by cancel", (Consumer<ChoreographyWorld>) w -> w.command(CANCEL, SUPPORT),
                            (Supplier<ChoreographyWorld>) () -> placed(OPEN), "o-42-r1", CONFIRM, RELEASE_STOCK),
                    Arguments.of("capture preempted by cancel", (Consumer<ChoreographyWorld>) w -> w.command(CANCEL, CUSTOMER),
                            (Supplier<ChoreographyWorld>) ChoreographyTest::payInFlight, "o-42-r2", PAY, VOID_PAYMENT),
                    Arguments.of("capture given up after the held timeout", (Consumer<ChoreographyWorld>) w -> {
                                w.passDeadline(Duration.ofSeconds(1));  // held: the charge may be real
                                w.passDeadline(Duration.ofSeconds(1));  // given up
                            }, (Supplier<ChoreographyWorld>) ChoreographyTest::payInFlight, "o-42-r2", PAY, VOID_PAYMENT),
                    Arguments.of("label timed out", (Consumer<ChoreographyWorld>) w -> w.passDeadline(Duration.ofSeconds(1)),
                            (Supplier<ChoreographyWorld>) ChoreographyTest::shipInFlight, "o-42-r3", SHIP, VOID_LABEL));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("abandoned")
        void aLateSuccessForAnAbandonedRequestIsUndoneAndNeverChangesTheState(String name,
                Consumer<ChoreographyWorld> abandon, Supplier<ChoreographyWorld> setup,
                String requestId, Transition transition, Effect undo) {
            ChoreographyWorld w = setup.get();
            abandon.accept(w);
            Order before = w.order;
            long seq = before.workflow().requestSeq();
            w.advance(Duration.ofMinutes(3));

            Reaction late = w.succeed(requestId);

            assertThat(late.changes()).isEmpty();
            assertThat(late.updates()).isEmpty();
            assertThat(late.requests()).containsExactly(new EffectRequest(ORDER_ID + "-f" + (seq + 1), transition,
                    undo, true, requestId, w.now.plus(FOLLOW_UP)));
            assertThat(late.order().state()).isEqualTo(before.state());
            assertThat(late.order().version()).isEqualTo(before.version());
            assertThat(late.order().fulfilment()).as("the late reference is not recorded").isEqualTo(before.fulfilment());
            assertThat(late.order().inFlight()).isEqualTo(before.inFlight());

            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void aLateFailureOrHoldForAnAbandonedRequestChangesNothing() {
            ChoreographyWorld w = payInFlight();
            w.command(CANCEL, SUPPORT);
            Order before = w.order;

            assertThat(w.hold("o-42-r2", "gateway slow").isEmpty()).isTrue();
            assertThat(w.fail("o-42-r2", "card declined").isEmpty()).isTrue();
            assertThat(w.order).isEqualTo(before);
        }

        @Test
        void aRepeatedOutcomeOfACompletedRequestChangesNothing() {
            ChoreographyWorld w = placed(OPEN);
            Reaction first = w.succeed("o-42-r1");
            Outcome success = w.lastTurn().outcome();
            Order after = first.order();

            Reaction again = w.deliver(success);

            assertThat(again.isEmpty()).isTrue();
            assertThat(again.order()).isEqualTo(after);
        }

        static Stream<Arguments> oldSuccesses() {
            return Stream.of(
                    Arguments.of("the reservation", 0, "o-42-r1"),
                    Arguments.of("the capture", 1, "o-42-r2"));
        }

        /**
         * The order remembers only the requests it gave up; any other outcome for a request not in flight is ignored.
         * So a redelivered (or replayed) success of a long-completed request is not taken for a late answer, however
         * many requests came since: the live reservation or capture of the paid order is left alone.
         */
        @ParameterizedTest(name = "{0}")
        @MethodSource("oldSuccesses")
        void aRepeatedSuccessOfAnOldCompletedRequestIsIgnoredAfterALongHistory(String name, int index,
                String requestId) {
            ChoreographyWorld w = shipped();
            Outcome old = w.delivered().get(index);
            assertThat(old.requestId()).isEqualTo(requestId);
            for (int i = 0; i < Workflow.REMEMBERED_REQUESTS / 2; i++) {
                w.command(UNSHIP, WAREHOUSE);
                w.succeed(w.inFlightId());
                w.command(SHIP, WAREHOUSE);
                w.succeed(w.inFlightId());
            }
            w.command(UNSHIP, WAREHOUSE);
            w.succeed(w.inFlightId());
            w.quiesce();
            assertThat(w.order.state()).isEqualTo(PAID);
            assertThat(w.order.workflow().requestSeq()).isGreaterThan(2L * Workflow.REMEMBERED_REQUESTS);
            assertThat(w.stock()).containsEntry("o-42-r1", Fact.RESERVED);
            assertThat(w.payments()).containsEntry("o-42-r2", Fact.CAPTURED);
            Order before = w.order;

            Reaction again = w.deliver(old);

            assertThat(again.isEmpty()).as("no undo of a live effect").isTrue();
            assertThat(again.order()).isEqualTo(before);
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void aRepeatedFailureOfARolledBackRequestChangesNothing() {
            ChoreographyWorld w = payInFlight();
            w.fail("o-42-r2", "card declined");
            Outcome failure = w.lastTurn().outcome();
            Order after = w.order;

            Reaction again = w.deliver(failure);

            assertThat(again.isEmpty()).isTrue();
            assertThat(again.order()).isEqualTo(after);
        }
    }

    @Nested
    class Deadlines {

        @Test
        void beforeAnyDeadlineTheEngineDoesNothing() {
            ChoreographyWorld w = payInFlight();

            Reaction r = ChoreographyWorld.MACHINE.onDeadline(w.order, OPEN.plus(IN_FLIGHT).minusMillis(1));

            assertThat(r.isEmpty()).isTrue();
            assertThat(r.order()).isSameAs(w.order);
        }

        static Stream<Arguments> silentSteps() {
            return Stream.of(
                    Arguments.of((Supplier<ChoreographyWorld>) () -> placed(OPEN), "o-42-r1", CONFIRM, PENDING, RELEASE_STOCK, "inventory"),
                    Arguments.of((Supplier<ChoreographyWorld>) ChoreographyTest::shipInFlight, "o-42-r3", SHIP, PAID, VOID_LABEL, "shipping"));
        }

        @ParameterizedTest(name = "{2} timed out")
        @MethodSource("silentSteps")
        void anUnansweredRequestRollsBackAtItsDeadlineAndIsCompensated(
                Supplier<ChoreographyWorld> setup, String requestId, Transition transition,
                OrderState from, Effect undo, String worker) {
            ChoreographyWorld w = setup.get();
            Instant deadline = w.order.inFlight().orElseThrow().deadline();
            long version = w.order.version();

            List<Reaction> reactions = w.advanceTo(deadline);

            assertThat(reactions).hasSize(1);
            Reaction r = reactions.get(0);
            String why = transition.name().toLowerCase() + " timed out: no answer from the " + worker
                    + " worker by " + deadline;
            assertThat(r.changes()).isEmpty();
            assertThat(r.updates()).containsExactly(new OrderUpdate(transition, UpdateStatus.ROLLED_BACK, why, requestId));
            assertThat(r.requests()).containsExactly(new EffectRequest("o-42-f" + (w.order.workflow().requestSeq()),
                    transition, undo, true, requestId, deadline.plus(FOLLOW_UP)));
            assertThat(r.order().state()).isEqualTo(from);
            assertThat(r.order().version()).isEqualTo(version);
            assertThat(r.order().inFlight()).isEmpty();
            assertThat(r.order().workflow().note()).isEqualTo(why);

            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        /**
         * A capture whose worker is silent may have charged the card: the engine does not treat the silence as a
         * decline. It holds the pay, and the payment worker's answer (found at the gateway under the request's
         * Idempotency-Key) decides: a charge that happened is kept and the order is paid, nothing voided.
         */
        @Test
        void aSilentCaptureIsHeldNotRolledBackAndItsLateChargeIsKept() {
            ChoreographyWorld w = payInFlight();
            Instant deadline = w.order.inFlight().orElseThrow().deadline();

            List<Reaction> reactions = w.advanceTo(deadline);

            assertThat(reactions).singleElement().satisfies(r -> {
                assertThat(r.requests()).as("no void: the charge may be real").isEmpty();
                assertThat(r.updates()).singleElement().satisfies(u -> {
                    assertThat(u.status()).isEqualTo(UpdateStatus.HELD);
                    assertThat(u.reason()).contains("no answer from the payment worker",
                            "learn from the gateway whether the card was charged");
                });
            });
            assertThat(w.order.state()).isEqualTo(CONFIRMED);
            assertThat(w.order.inFlight().orElseThrow().requestId()).isEqualTo("o-42-r2");

            w.advance(HELD.minusMinutes(1));
            Reaction charged = w.succeed("o-42-r2");

            assertThat(charged.changes()).extracting(StateChange::to).containsExactly(PAID);
            assertThat(charged.order().fulfilment().paymentReference()).isEqualTo("ch-o-42-r2");
            assertThat(w.requests()).noneMatch(r -> r.effect() == VOID_PAYMENT);
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void aCaptureUnansweredForTheHeldTimeoutIsGivenUpVoidedAndFlagged() {
            ChoreographyWorld w = payInFlight();
            InFlight pay = w.order.inFlight().orElseThrow();
            w.advanceTo(pay.deadline());
            Instant held = w.order.inFlight().orElseThrow().deadline();
            assertThat(held).isAfterOrEqualTo(pay.startedAt().plus(HELD));

            List<Reaction> reactions = w.advanceTo(held);

            assertThat(reactions).flatExtracting(Reaction::updates).extracting(OrderUpdate::status)
                    .containsExactly(UpdateStatus.ROLLED_BACK, UpdateStatus.FLAGGED);
            assertThat(reactions).flatExtracting(Reaction::requests).singleElement().satisfies(r -> {
                assertThat(r.effect()).isEqualTo(VOID_PAYMENT);
                assertThat(r.targetRequestId()).isEqualTo("o-42-r2");
            });
            assertThat(w.order.workflow().flag()).contains("any charge is voided");
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        static Stream<Arguments> irreversible() {
            return Stream.of(
                    Arguments.of("void", (Supplier<ChoreographyWorld>) ChoreographyTest::paidIdle, VOID, FINANCE, "payment", CONFIRMED),
                    Arguments.of("refund", (Supplier<ChoreographyWorld>) ChoreographyTest::paidIdle, REFUND, FINANCE, "payment", REFUNDED),
                    Arguments.of("unship", (Supplier<ChoreographyWorld>) ChoreographyTest::shipped, UNSHIP, WAREHOUSE, "shipping", PAID));
        }

        /**
         * VOID_PAYMENT, REFUND_PAYMENT and VOID_LABEL have no undo: rolling them back at the deadline would leave the
         * order apart from its effects if the worker performs them afterwards (its final answer is guaranteed). The
         * engine holds them instead, visibly, and the late answer completes the transition.
         */
        @ParameterizedTest(name = "{0}: held at its deadline, then the worker performs it")
        @MethodSource("irreversible")
        void anEffectWithNoUndoIsHeldAtItsDeadlineAndItsLateSuccessStillCompletesTheTransition(String name,
                Supplier<ChoreographyWorld> setup, Transition transition, Role role, String worker, OrderState to) {
            ChoreographyWorld w = setup.get();
            w.quiesce();
            w.command(transition, role);
            InFlight started = w.order.inFlight().orElseThrow();
            Order before = w.order;

            List<Reaction> reactions = w.passDeadline(Duration.ofSeconds(1));

            String why = "no answer from the " + worker + " worker by " + started.deadline()
                    + "; still waiting, as it cannot be undone";
            assertThat(reactions).singleElement().satisfies(r -> {
                assertThat(r.changes()).isEmpty();
                assertThat(r.requests()).as("nothing given up, nothing to compensate").isEmpty();
                assertThat(r.updates()).containsExactly(
                        new OrderUpdate(transition, UpdateStatus.HELD, why, started.requestId()));
            });
            InFlight held = w.order.inFlight().orElseThrow();
            assertThat(held.requestId()).isEqualTo(started.requestId());
            assertThat(held.heldReason()).isEqualTo(why);
            assertThat(held.deadline()).as("extended by the held timeout").isEqualTo(w.now.plus(HELD));
            assertThat(w.order.workflow().note()).isEqualTo("held: " + why);
            assertThat(w.order.workflow().abandonedRequests()).isEmpty();
            assertThat(w.order.state()).isEqualTo(before.state());
            assertThat(w.order.version()).isEqualTo(before.version());

            w.advance(Duration.ofMinutes(30));
            Reaction late = w.succeed(started.requestId());

            assertThat(late.changes()).singleElement().satisfies(c -> {
                assertThat(c.transition()).isEqualTo(transition);
                assertThat(c.to()).isEqualTo(to);
                assertThat(c.version()).isEqualTo(before.version() + 1);
                assertThat(c.actor()).isEqualTo(actor(role));
            });
            assertThat(late.order().inFlight()).isEmpty();
            w.quiesce();
            assertThat(w.quiescentViolations()).as("state and effects agree").isEmpty();
        }

        @Test
        void aVoidStillUnansweredIsHeldAgainAtEachDeadlineAndConflictingCommandsAreToldWhy() {
            ChoreographyWorld w = paidIdle();
            w.command(VOID, FINANCE);
            Instant first = w.order.inFlight().orElseThrow().deadline();
            w.advanceTo(first);
            Instant second = w.order.inFlight().orElseThrow().deadline();
            assertThat(second).isEqualTo(first.plus(HELD));

            List<Reaction> again = w.advanceTo(second);

            String why = "no answer from the payment worker by " + second + "; still waiting, as it cannot be undone";
            assertThat(again).singleElement().satisfies(r -> {
                assertThat(r.updates()).first().isEqualTo(new OrderUpdate(VOID, UpdateStatus.HELD, why, "o-42-r4"));
                assertThat(r.updates()).as("unanswered for the held timeout: a person is told").last()
                        .satisfies(u -> assertThat(u.status()).isEqualTo(UpdateStatus.FLAGGED));
            });
            assertThat(w.order.inFlight().orElseThrow().deadline()).isEqualTo(second.plus(HELD));
            assertThat(w.order.state()).isEqualTo(PAID);

            Decision refund = w.command(REFUND, FINANCE);
            assertThat(refund.outcome().code()).isEqualTo(RejectionCode.TRANSITION_IN_FLIGHT);
            assertThat(refund.outcome().message()).contains("void in flight since", ", held: " + why);
        }

        @Test
        void aHeldVoidThatFinallyFailsRollsBackWithNothingToUndo() {
            ChoreographyWorld w = paidIdle();
            w.command(VOID, FINANCE);
            w.passDeadline(Duration.ofSeconds(1));

            Reaction failed = w.fail("o-42-r4", "charge already settled");

            assertThat(failed.changes()).isEmpty();
            assertThat(failed.requests()).isEmpty();
            assertThat(failed.updates()).containsExactly(new OrderUpdate(VOID, UpdateStatus.ROLLED_BACK,
                    "void failed: charge already settled", "o-42-r4"));
            assertThat(failed.order().state()).isEqualTo(PAID);
            assertThat(failed.order().inFlight()).isEmpty();
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void aConfirmedOrderUnpaidTooLongIsCancelledByTheEngineAndItsStockReleased() {
            ChoreographyWorld w = confirmedIdle();
            Instant confirmedAt = w.order.workflow().stateSince();
            assertThat(w.order.deadline(TIMEOUTS)).contains(confirmedAt.plus(TIMEOUTS.unpaid()));
            assertThat(w.advanceTo(confirmedAt.plus(TIMEOUTS.unpaid()).minusSeconds(1))).isEmpty();

            List<Reaction> reactions = w.advanceTo(confirmedAt.plus(TIMEOUTS.unpaid()));

            assertThat(reactions).singleElement().satisfies(r -> {
                assertThat(r.changes()).containsExactly(new StateChange(CANCEL, CONFIRMED, CANCELLED, 3,
                        "not paid within PT24H", OrderMachine.ENGINE));
                assertThat(r.requests()).singleElement().satisfies(q -> {
                    assertThat(q.effect()).isEqualTo(RELEASE_STOCK);
                    assertThat(q.transition()).isEqualTo(CANCEL);
                });
                assertThat(r.order().deadline(TIMEOUTS)).as("the release is watched")
                        .contains(r.requests().get(0).deadline());
            });
            w.quiesce();
            assertThat(w.order.deadline(TIMEOUTS)).isEmpty();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void aShippedOrderWithNoDeliveryIsFlaggedOnceAndStaysDeliverable() {
            ChoreographyWorld w = shipped();
            w.quiesce();
            Instant shippedAt = w.order.workflow().stateSince();
            long version = w.order.version();

            List<Reaction> flagged = w.advanceTo(shippedAt.plus(TIMEOUTS.delivery()).plusSeconds(1));

            String why = "no delivery reported within PT336H of shipping";
            assertThat(flagged).singleElement().satisfies(r -> {
                assertThat(r.updates()).containsExactly(new OrderUpdate(DELIVER, UpdateStatus.FLAGGED, why, null));
                assertThat(r.changes()).isEmpty();
                assertThat(r.requests()).isEmpty();
                assertThat(r.order().version()).isEqualTo(version);
                assertThat(r.order().workflow().note()).isEqualTo(why);
            });
            assertThat(w.order.deadline(TIMEOUTS)).isEmpty();
            assertThat(w.advance(TIMEOUTS.delivery().multipliedBy(2))).as("flagged only once").isEmpty();
            assertThat(ChoreographyWorld.MACHINE.onDeadline(w.order, w.now).isEmpty()).isTrue();

            Reaction delivered = w.track(Outcome.DELIVERED);
            assertThat(delivered.changes()).singleElement().satisfies(c -> assertThat(c.to()).isEqualTo(DELIVERED));
        }
    }

    @Nested
    class CarrierNews {

        @Test
        void aDeliveredReportCompletesShippedToDeliveredAsTheCarrier() {
            ChoreographyWorld w = shipped();
            w.quiesce();

            Reaction r = w.track(Outcome.DELIVERED);

            assertThat(r.changes()).containsExactly(new StateChange(DELIVER, SHIPPED, DELIVERED, 5,
                    "carrier reported delivery of trk-o-42-r3", OrderMachine.CARRIER));
            assertThat(r.requests()).isEmpty();
            assertThat(r.order().deadline(TIMEOUTS)).isEmpty();
            w.quiesce();
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @Test
        void inTransitNewsChangesNothing() {
            ChoreographyWorld w = shipped();

            assertThat(w.track("IN_TRANSIT").isEmpty()).isTrue();
        }

        static Stream<Arguments> notShipped() {
            return Stream.of(
                    Arguments.of("pending, confirm in flight", (Supplier<ChoreographyWorld>) () -> placed(OPEN)),
                    Arguments.of("confirmed", (Supplier<ChoreographyWorld>) ChoreographyTest::confirmedIdle),
                    Arguments.of("paid, ship in flight", (Supplier<ChoreographyWorld>) ChoreographyTest::shipInFlight),
                    Arguments.of("paid", (Supplier<ChoreographyWorld>) ChoreographyTest::paidIdle),
                    Arguments.of("delivered", (Supplier<ChoreographyWorld>) ChoreographyTest::delivered),
                    Arguments.of("cancelled", (Supplier<ChoreographyWorld>) ChoreographyTest::cancelled));
        }

        /**
         * The carrier delivers while a person's unship (label void) is in flight: the delivery wins. The unship is
         * given up, the order ends delivered, and the carrier's refusal to void a delivered label changes nothing.
         */
        @Test
        void aDeliveredReportDuringAnUnshipEndsDelivered() {
            ChoreographyWorld w = shipped();
            w.quiesce();
            w.command(UNSHIP, WAREHOUSE);
            String unship = w.inFlightId();

            Reaction r = w.track(Outcome.DELIVERED);

            assertThat(r.changes()).extracting(StateChange::transition).containsExactly(DELIVER);
            assertThat(r.updates()).singleElement().satisfies(u -> {
                assertThat(u.status()).isEqualTo(UpdateStatus.ROLLED_BACK);
                assertThat(u.transition()).isEqualTo(UNSHIP);
                assertThat(u.requestId()).isEqualTo(unship);
            });
            assertThat(w.order.state()).isEqualTo(DELIVERED);
            assertThat(w.order.inFlight()).isEmpty();

            Reaction refused = w.fail(unship, "delivered label cannot be voided");
            assertThat(refused.isEmpty()).as("the void's refusal changes nothing").isTrue();
            w.quiesce();
            assertThat(w.order.state()).isEqualTo(DELIVERED);
            assertThat(w.quiescentViolations()).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("notShipped")
        void aDeliveredReportIsIgnoredUnlessTheOrderIsShippedAndIdle(String name,
                Supplier<ChoreographyWorld> setup) {
            ChoreographyWorld w = setup.get();
            Order before = w.order;

            Reaction r = w.track(Outcome.DELIVERED);

            assertThat(r.isEmpty()).isTrue();
            assertThat(r.order()).isEqualTo(before);
        }
    }
}
