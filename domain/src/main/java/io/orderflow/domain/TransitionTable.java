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

import io.orderflow.schema.Effect;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The transition table: the one place that says which transition goes where, who may take it, and what it needs. */
public final class TransitionTable {

    private static final Map<Transition, TransitionRule> RULES = new EnumMap<>(Transition.class);

    static {
        //   transition           from                         to         roles                                        hours  gating effect           inverse               follow-up             automatic next
        row(Transition.PLACE,     Set.of(),                    PENDING,   Set.of(CUSTOMER, SUPPORT, ADMIN, SYSTEM),      false, null,                   Transition.CANCEL,    null,                 Transition.CONFIRM);
        row(Transition.CONFIRM,   Set.of(PENDING),             CONFIRMED, Set.of(SUPPORT, ADMIN, SYSTEM),                false, Effect.RESERVE_STOCK,   Transition.UNCONFIRM, null,                 Transition.PAY);
        row(Transition.UNCONFIRM, Set.of(CONFIRMED),           PENDING,   Set.of(SUPPORT, ADMIN),                        false, null,                   Transition.CONFIRM,   Effect.RELEASE_STOCK, null);
        row(Transition.PAY,       Set.of(CONFIRMED),           PAID,      Set.of(CUSTOMER, FINANCE, ADMIN, SYSTEM),      false, Effect.CAPTURE_PAYMENT, Transition.VOID,      null,                 Transition.SHIP);
        row(Transition.VOID,      Set.of(PAID),                CONFIRMED, Set.of(FINANCE, ADMIN),                        false, Effect.VOID_PAYMENT,    Transition.PAY,       null,                 null);
        row(Transition.SHIP,      Set.of(PAID),                SHIPPED,   Set.of(WAREHOUSE, ADMIN, SYSTEM),              true,  Effect.CREATE_LABEL,    Transition.UNSHIP,    Effect.DEDUCT_STOCK,  null);
        row(Transition.UNSHIP,    Set.of(SHIPPED),             PAID,      Set.of(WAREHOUSE, ADMIN),                      false, Effect.VOID_LABEL,      Transition.SHIP,      Effect.RESTORE_STOCK, null);
        row(Transition.DELIVER,   Set.of(SHIPPED),             DELIVERED, Set.of(WAREHOUSE, SUPPORT, ADMIN, SYSTEM),     false, null,                   null,                 null,                 null);
        row(Transition.CANCEL,    Set.of(PENDING, CONFIRMED),  CANCELLED, Set.of(CUSTOMER, SUPPORT, ADMIN, SYSTEM),      false, null,                   Transition.REOPEN,    Effect.RELEASE_STOCK, null);
        row(Transition.REOPEN,    Set.of(CANCELLED),           PENDING,   Set.of(SUPPORT, ADMIN),                        false, null,                   Transition.CANCEL,    null,                 Transition.CONFIRM);
        row(Transition.REFUND,    Set.of(PAID, SHIPPED, DELIVERED), REFUNDED, Set.of(FINANCE, ADMIN),                    false, Effect.REFUND_PAYMENT,  null,                 Effect.RELEASE_STOCK, null);
    }

    /** What undoes a gating effect when its transition is abandoned (timed out, preempted, or answered too late). */
    private static final Map<Effect, Effect> UNDO = Map.of(
            Effect.RESERVE_STOCK, Effect.RELEASE_STOCK,
            Effect.CAPTURE_PAYMENT, Effect.VOID_PAYMENT,
            Effect.CREATE_LABEL, Effect.VOID_LABEL);

    private TransitionTable() {}

    private static void row(Transition t, Set<OrderState> from, OrderState to, Set<Role> roles, boolean hours,
                            Effect effect, Transition inverse, Effect followUp, Transition next) {
        RULES.put(t, new TransitionRule(t, from, to, roles, hours, Optional.ofNullable(effect),
                Optional.ofNullable(inverse), Optional.ofNullable(followUp), Optional.ofNullable(next)));
    }

    /** The effect that undoes {@code effect}, if it can be undone. */
    public static Optional<Effect> undo(Effect effect) {
        return Optional.ofNullable(UNDO.get(effect));
    }

    public static TransitionRule rule(Transition transition) {
        return RULES.get(transition);
    }

    public static Collection<TransitionRule> rules() {
        return RULES.values();
    }

    /** The transitions a role may take from a state: what the admin UI offers. */
    public static List<Transition> available(OrderState state, Role role) {
        return RULES.values().stream()
                .filter(r -> r.startsFrom(state) && r.allows(role))
                .map(TransitionRule::transition)
                .collect(Collectors.toList());
    }
}
