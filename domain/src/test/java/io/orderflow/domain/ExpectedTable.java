package io.orderflow.domain;

import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The transition table as docs/design.md and the role brief state it, written out by hand so the tests do not re-read
 * {@link TransitionTable} to decide what they expect: a drift between the two fails a test instead of passing both.
 */
final class ExpectedTable {

    // "people" in the hours column: a person may take it only in business hours; SYSTEM may take it at any time.
    private static final String TABLE = """
            # transition | from                   | to        | roles                           | hours
            place        | -                      | pending   | customer support admin system   | any
            confirm      | pending                | confirmed | support admin system            | any
            unconfirm    | confirmed              | pending   | support admin                   | any
            pay          | confirmed              | paid      | customer finance admin system   | any
            void         | paid                   | confirmed | finance admin                   | any
            ship         | paid                   | shipped   | warehouse admin system          | people
            unship       | shipped                | paid      | warehouse admin                 | any
            deliver      | shipped                | delivered | warehouse support admin system  | any
            cancel       | pending confirmed      | cancelled | customer support admin system   | any
            reopen       | cancelled              | pending   | support admin                   | any
            refund       | paid shipped delivered | refunded  | finance admin                   | any
            """;

    /** One expected row; {@code from} keeps the order written above (the lifecycle order refusals name). */
    record Row(Transition transition, List<OrderState> from, OrderState to, List<Role> roles, boolean businessHours) {
        boolean allows(Role role) {
            return roles.contains(role);
        }

        boolean startsFrom(OrderState state) {
            return from.contains(state);
        }
    }

    static final Map<Transition, Row> ROWS = parse();

    private ExpectedTable() {}

    static Row row(Transition transition) {
        return ROWS.get(transition);
    }

    /** What a role may take from a state, by this table. */
    static List<Transition> available(OrderState state, Role role) {
        return ROWS.values().stream()
                .filter(r -> r.startsFrom(state) && r.allows(role))
                .map(Row::transition)
                .toList();
    }

    /** "admin or finance": the people's roles a refusal names, alphabetically (SYSTEM is not a person to ask). */
    static String rolesNeeded(Row row) {
        return oneOf(row.roles().stream().filter(r -> r != Role.SYSTEM).map(ExpectedTable::name).sorted().toList());
    }

    /** "paid, shipped or delivered": the states a refusal names, in lifecycle order. */
    static String statesNeeded(Row row) {
        return oneOf(row.from().stream().map(ExpectedTable::name).toList());
    }

    static String oneOf(List<String> names) {
        if (names.size() == 1) {
            return names.get(0);
        }
        return String.join(", ", names.subList(0, names.size() - 1)) + " or " + names.get(names.size() - 1);
    }

    static String name(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    private static Map<Transition, Row> parse() {
        Map<Transition, Row> rows = new EnumMap<>(Transition.class);
        TABLE.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(line -> {
            String[] cells = Arrays.stream(line.split("\\|")).map(String::trim).toArray(String[]::new);
            Transition transition = Transition.valueOf(upper(cells[0]));
            List<OrderState> from = cells[1].equals("-") ? List.of()
                    : Arrays.stream(cells[1].split("\\s+")).map(s -> OrderState.valueOf(upper(s))).toList();
            OrderState to = OrderState.valueOf(upper(cells[2]));
            List<Role> roles = Arrays.stream(cells[3].split("\\s+")).map(s -> Role.valueOf(upper(s))).toList();
            rows.put(transition, new Row(transition, from, to, roles, cells[4].equals("people")));
        });
        if (rows.size() != Transition.values().length) {
            throw new IllegalStateException("the expected table misses transitions: " + Arrays.stream(Transition.values())
                    .filter(t -> !rows.containsKey(t)).map(Enum::name).collect(Collectors.joining(", ")));
        }
        return rows;
    }

    private static String upper(String s) {
        return s.toUpperCase(Locale.ROOT);
    }
}
