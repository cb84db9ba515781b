package io.orderflow.domain;

import static io.orderflow.domain.Fixtures.CUSTOMER_ID;
import static io.orderflow.domain.Fixtures.ORDER_ID;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.domain.CommandSequences.Entry;
import io.orderflow.domain.CommandSequences.Run;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@code decide} over {@value CommandSequences#TRIES} random command sequences (random transitions,
 * roles, right and wrong expected versions, repeated command ids, clocks in and out of business hours), each applied
 * from "no order" by threading {@code decision.next()}.
 */
class OrderMachinePropertiesTest {

    @Test
    void appliedCommandsOnlyTakeTransitionsTheTableAllows() {
        CommandSequences.forAll(run -> {
            for (Entry e : run.entries()) {
                if (!(e.decision() instanceof Decision.Applied applied)) {
                    continue;
                }
                ExpectedTable.Row row = ExpectedTable.row(e.command().transition());
                OrderState from = e.before().map(Order::state).orElse(null);
                assertThat(row.allows(e.actor().role())).as("%s: role allowed", e).isTrue();
                if (from == null) {
                    assertThat(e.command().transition()).as("%s: only place creates an order", e).isEqualTo(Transition.PLACE);
                } else {
                    assertThat(row.startsFrom(from)).as("%s: starts from a state the table names", e).isTrue();
                    assertThat(applied.order().details()).as("%s: details kept", e).isEqualTo(e.before().get().details());
                }
                assertThat(applied.order().state()).as("%s: lands where the table says", e).isEqualTo(row.to());
                assertThat(applied.order().id()).isEqualTo(ORDER_ID);
                assertThat(applied.change().from()).isEqualTo(from);
                assertThat(applied.change().to()).isEqualTo(row.to());
            }
        });
    }

    @Test
    void versionGrowsByExactlyOnePerAppliedCommandAndNeverOtherwise() {
        CommandSequences.forAll(run -> {
            long applied = 0;
            for (Entry e : run.entries()) {
                long before = e.before().map(Order::version).orElse(0L);
                long after = e.after().map(Order::version).orElse(0L);
                if (e.decision() instanceof Decision.Applied a) {
                    applied++;
                    assertThat(after).as("%s", e).isEqualTo(before + 1);
                    assertThat(a.change().version()).as("%s", e).isEqualTo(after);
                } else {
                    assertThat(after).as("%s", e).isEqualTo(before);
                }
            }
            long last = run.entries().get(run.entries().size() - 1).after().map(Order::version).orElse(0L);
            assertThat(last).as("final version counts the applied commands").isEqualTo(applied);
        });
    }

    @Test
    void everyCommandGetsExactlyOneDecisionAboutItself() {
        CommandSequences.forAll(run -> {
            assertThat(run.entries()).hasSameSizeAs(run.steps());
            for (Entry e : run.entries()) {
                Decision d = e.decision();
                assertThat(d).as("%s", e).isNotNull();
                assertThat(d.outcome().commandId()).as("%s", e).isEqualTo(e.command().commandId());
                CommandStatus status = d instanceof Decision.Applied ? CommandStatus.APPLIED
                        : d instanceof Decision.Rejected ? CommandStatus.REJECTED : CommandStatus.DUPLICATE;
                assertThat(d.outcome().status()).as("%s", e).isEqualTo(status);
                if (d instanceof Decision.Rejected r) {
                    assertThat(r.code()).as("%s: a refusal has a code", e).isNotNull();
                    assertThat(r.reason()).as("%s: a refusal names the order", e).contains(ORDER_ID);
                }
            }
        });
    }

    @Test
    void resendingAnAnsweredCommandIdChangesNothingAndRepeatsTheFirstAnswer() {
        CommandSequences.forAll(run -> {
            for (Entry e : run.entries()) {
                if (e.firstAnswer().isEmpty()) {
                    continue;
                }
                CommandOutcome first = e.firstAnswer().get();
                assertThat(e.decision()).as("%s", e).isInstanceOf(Decision.Duplicate.class);
                assertThat(e.after()).as("%s: the very same order back", e).containsSame(e.before().orElseThrow());
                assertThat(e.decision().outcome().code()).as("%s", e).isEqualTo(first.code());
                assertThat(e.decision().outcome().message()).as("%s", e)
                        .isEqualTo("command " + first.commandId() + " was already handled: " + first.message());
            }
        });
    }

    @Test
    void refusedCommandsNeverChangeStateVersionOrContents() {
        CommandSequences.forAll(run -> {
            for (Entry e : run.entries()) {
                if (!(e.decision() instanceof Decision.Rejected)) {
                    continue;
                }
                assertThat(e.after().isPresent()).as("%s: no order appears or disappears", e).isEqualTo(e.before().isPresent());
                e.before().ifPresent(before -> {
                    Order after = e.after().orElseThrow();
                    assertThat(after.state()).as("%s", e).isEqualTo(before.state());
                    assertThat(after.version()).as("%s", e).isEqualTo(before.version());
                    assertThat(after.details()).as("%s", e).isEqualTo(before.details());
                    assertThat(after.total()).as("%s", e).isEqualTo(before.total());
                    assertThat(after.updatedAt()).as("%s", e).isEqualTo(before.updatedAt());
                });
            }
        });
    }

    @Test
    void everyDecisionIsTheOneTheExpectedTableGives() {
        CommandSequences.forAll(run -> {
            for (Entry e : run.entries()) {
                String actual = e.decision() instanceof Decision.Applied ? "APPLIED"
                        : e.decision() instanceof Decision.Duplicate ? "DUPLICATE"
                        : ((Decision.Rejected) e.decision()).code().name();
                assertThat(actual).as("%s", e).isEqualTo(expected(e));
            }
        });
    }

    /**
     * Guards the generator: the properties above mean little unless the sequences reach every state and provoke
     * every answer the machine can give them.
     */
    @Test
    void sequencesReachEveryStateAndEveryKindOfAnswer() {
        Set<OrderState> states = EnumSet.noneOf(OrderState.class);
        Set<String> answers = new HashSet<>();
        CommandSequences.forAll(run -> {
            for (Entry e : run.entries()) {
                e.after().ifPresent(o -> states.add(o.state()));
                answers.add(expected(e));
            }
        });

        assertThat(states).containsExactlyInAnyOrder(OrderState.values());
        assertThat(answers).contains("APPLIED", "DUPLICATE", "UNKNOWN_ORDER", "ORDER_EXISTS", "FORBIDDEN",
                "VERSION_CONFLICT", "INVALID_TRANSITION", "OUTSIDE_BUSINESS_HOURS");
    }

    /**
     * The answer the expected table gives, checked in this order: a remembered command id, the order's existence, the
     * role, the customer's ownership, the expected version, the state, business hours. Two choices of today's
     * machine are written in here: PLACE ignores an expected version, and a command refused while no order exists is
     * not remembered (there is no order to hold the answer), so resending its id later is decided afresh.
     */
    private static String expected(Entry e) {
        if (e.firstAnswer().isPresent()) {
            return "DUPLICATE";
        }
        Transition transition = e.command().transition();
        ExpectedTable.Row row = ExpectedTable.row(transition);
        Role role = e.actor().role();
        boolean ownOrder = role != Role.CUSTOMER || e.actor().userId().equals(CUSTOMER_ID);
        if (transition == Transition.PLACE) {
            if (e.before().isPresent()) {
                return "ORDER_EXISTS";
            }
            return row.allows(role) && ownOrder ? "APPLIED" : "FORBIDDEN";
        }
        if (e.before().isEmpty()) {
            return "UNKNOWN_ORDER";
        }
        Order before = e.before().get();
        if (!row.allows(role) || !ownOrder) {
            return "FORBIDDEN";
        }
        if (e.command().expectedVersion().isPresent() && e.command().expectedVersion().getAsLong() != before.version()) {
            return "VERSION_CONFLICT";
        }
        if (!row.startsFrom(before.state())) {
            return "INVALID_TRANSITION";
        }
        if (row.businessHours() && role != Role.SYSTEM && !e.open()) {
            return "OUTSIDE_BUSINESS_HOURS";
        }
        return "APPLIED";
    }
}
