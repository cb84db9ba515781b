package io.orderflow.domain;

import static io.orderflow.domain.Fixtures.OPEN;
import static io.orderflow.domain.Fixtures.actor;
import static io.orderflow.domain.Fixtures.command;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Overload at the edge: new orders refused while the backlog is full, and no rollback while a worker is merely behind. */
class OverloadTest {
    private static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(60), Duration.ofHours(1), Duration.ofHours(24), Duration.ofDays(14));
    private static final OrderMachine MACHINE = new OrderMachine(Rules.choreographed(BusinessHours.ALWAYS, TIMEOUTS));
    private static final Backlog FULL = new Backlog(10, 10, Duration.ofSeconds(5));

    private static Order placed() {
        return MACHINE.decide(null, command("c-1", Transition.PLACE), actor(Role.CUSTOMER), OPEN).next().orElseThrow();
    }

    @Test
    void aValidNewOrderIsRefusedAsBusyWhileTheBacklogIsFullAndNothingIsKept() {
        Decision decision = MACHINE.decide(null, command("c-1", Transition.PLACE), actor(Role.CUSTOMER), OPEN, FULL);

        assertThat(decision).isInstanceOf(Decision.Rejected.class);
        assertThat(((Decision.Rejected) decision).code()).isEqualTo(RejectionCode.BUSY);
        assertThat(((Decision.Rejected) decision).reason())
                .isEqualTo("busy: order o-42 not placed, 10 orders in flight (bound 10); retry after 5 s");
        assertThat(decision.next()).isEmpty();
    }

    @Test
    void belowTheBoundTheOrderIsPlaced() {
        Backlog room = new Backlog(9, 10, Duration.ofSeconds(5));

        Decision decision = MACHINE.decide(null, command("c-1", Transition.PLACE), actor(Role.CUSTOMER), OPEN, room);

        assertThat(decision.outcome().status()).isEqualTo(CommandStatus.APPLIED);
    }

    @Test
    void aForbiddenPlaceIsRefusedForWhatItIsNotForLoad() {
        Decision decision = MACHINE.decide(null, command("c-1", Transition.PLACE), actor(Role.WAREHOUSE), OPEN, FULL);

        assertThat(((Decision.Rejected) decision).code()).isEqualTo(RejectionCode.FORBIDDEN);
    }

    @Test
    void commandsOnExistingOrdersAreNeverRefusedForLoad() {
        Order order = placed();

        Decision repeat = MACHINE.decide(order, command("c-1", Transition.PLACE), actor(Role.CUSTOMER), OPEN, FULL);
        Decision cancel = MACHINE.decide(order, command("c-2", Transition.CANCEL), actor(Role.CUSTOMER), OPEN, FULL);

        assertThat(repeat.outcome().status()).isEqualTo(CommandStatus.DUPLICATE);
        assertThat(cancel.outcome().status()).isEqualTo(CommandStatus.APPLIED);
    }

    @Test
    void aRequestWhoseWorkerAnsweredOthersWithinTheTimeoutWaitsQuietlyUntilTheWorkerFallsSilent() {
        Order order = placed(); // reserve in flight, deadline OPEN + 60 s
        Instant late = OPEN.plusSeconds(61);
        Instant heard = OPEN.plusSeconds(50);

        Reaction waiting = MACHINE.onDeadline(order, late, heard);

        assertThat(waiting.isEmpty()).isTrue();
        assertThat(waiting.order().inFlight()).get().satisfies(f -> {
            assertThat(f.deadline()).isEqualTo(heard.plus(TIMEOUTS.inFlight()));
            assertThat(f.heldReason()).isNull();
        });
        assertThat(waiting.order().state()).isEqualTo(OrderState.PENDING);

        Reaction rolledBack = MACHINE.onDeadline(waiting.order(), heard.plusSeconds(61), heard);

        assertThat(rolledBack.order().inFlight()).isEmpty();
        assertThat(rolledBack.updates()).singleElement()
                .satisfies(u -> assertThat(u.status()).isEqualTo(UpdateStatus.ROLLED_BACK));
        assertThat(rolledBack.requests()).singleElement()
                .satisfies(r -> assertThat(r.targetRequestId()).isEqualTo(order.inFlight().orElseThrow().requestId()));
    }

    @Test
    void aWorkerSilentForTheWholeTimeoutRollsTheRequestBackAsBefore() {
        Order order = placed();

        Reaction reaction = MACHINE.onDeadline(order, OPEN.plusSeconds(61), OPEN.minusSeconds(1));

        assertThat(reaction.updates()).singleElement()
                .satisfies(u -> assertThat(u.status()).isEqualTo(UpdateStatus.ROLLED_BACK));
    }

    @Test
    void evenABusyWorkerGetsNoMoreThanTheHeldTimeoutFromTheRequestsStart() {
        Order order = placed();
        Instant afterHeldTimeout = OPEN.plus(TIMEOUTS.held()).plusSeconds(1);

        Reaction reaction = MACHINE.onDeadline(order, afterHeldTimeout, afterHeldTimeout.minusSeconds(1));

        assertThat(reaction.updates()).singleElement()
                .satisfies(u -> assertThat(u.status()).isEqualTo(UpdateStatus.ROLLED_BACK));
    }
}
