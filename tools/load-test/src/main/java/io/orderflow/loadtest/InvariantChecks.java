package io.orderflow.loadtest;

import io.orderflow.common.config.Config;
import io.orderflow.schema.OrderState;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * docs/design.md's invariants after a load run, checked per order in the workers' own tables: stock never negative and
 * equal to its active reservations; exactly one live capture on a paid, shipped or delivered order and none on any
 * other; exactly one live label on a shipped or delivered order and none on any other; one audit row and one sent
 * e-mail per state change. Audit rows and mails may trail the transitions, and compensations may still be running
 * when the orders stop moving, so {@link #await} re-reads until the checks pass or a settle time runs out.
 */
public final class InvariantChecks {
    private static final int EXAMPLES = 3;
    private static final Set<OrderState> CAPTURED = EnumSet.of(OrderState.PAID, OrderState.SHIPPED, OrderState.DELIVERED);
    private static final Set<OrderState> LABELLED = EnumSet.of(OrderState.SHIPPED, OrderState.DELIVERED);

    /** What the load client saw of one order: its last state (null: no event) and how many state changes. */
    public record Observed(OrderState state, int transitions) {
    }

    /** What the workers' tables hold for one order. */
    public record Recorded(int liveCaptures, int liveLabels, int auditRows, int mailsSent) {
        static final Recorded NONE = new Recorded(0, 0, 0, 0);
    }

    /** Stock figures over all SKUs. */
    public record Stock(long discrepancies, long negative) {
    }

    /** One broken rule: how many orders (or SKUs) break it, and a few of them. */
    public record Violation(String rule, int count, List<String> examples) {
        public String line() {
            return examples.isEmpty() ? count + " x " + rule
                    : count + " x " + rule + " (e.g. " + String.join(", ", examples) + ")";
        }
    }

    private InvariantChecks() {
    }

    /** The rules, evaluated over what was observed and recorded; empty when every invariant holds. */
    public static List<Violation> evaluate(Stock stock, Map<String, Observed> observed, Map<String, Recorded> recorded) {
        Map<String, List<String>> broken = new LinkedHashMap<>();
        BiConsumer<String, String> breaks = (rule, id) -> broken.computeIfAbsent(rule, r -> new ArrayList<>()).add(id);
        observed.forEach((id, seen) -> {
            Recorded r = recorded.getOrDefault(id, Recorded.NONE);
            String state = seen.state() == null ? "unplaced" : seen.state().name().toLowerCase();
            if (CAPTURED.contains(seen.state())) {
                if (r.liveCaptures() == 0) {
                    breaks.accept("missing capture on a " + state + " order", id);
                } else if (r.liveCaptures() > 1) {
                    breaks.accept("more than one live capture on a " + state + " order", id);
                }
            } else if (r.liveCaptures() > 0) {
                breaks.accept("capture left on a " + state + " order", id);
            }
            if (LABELLED.contains(seen.state())) {
                if (r.liveLabels() == 0) {
                    breaks.accept("missing label on a " + state + " order", id);
                } else if (r.liveLabels() > 1) {
                    breaks.accept("more than one live label on a " + state + " order", id);
                }
            } else if (r.liveLabels() > 0) {
                breaks.accept("label left on a " + state + " order", id);
            }
            if (r.auditRows() != seen.transitions()) {
                breaks.accept("audit rows differ from state changes", id);
            }
            if (r.mailsSent() != seen.transitions()) {
                breaks.accept("e-mails sent differ from state changes", id);
            }
        });
        List<Violation> violations = new ArrayList<>();
        if (stock.discrepancies() > 0) {
            violations.add(new Violation("SKUs whose reserved differs from their active reservations",
                    (int) stock.discrepancies(), List.of()));
        }
        if (stock.negative() > 0) {
            violations.add(new Violation("SKUs with negative stock", (int) stock.negative(), List.of()));
        }
        broken.forEach((rule, ids) -> violations.add(new Violation(rule, ids.size(), List.copyOf(ids.subList(0,
                Math.min(EXAMPLES, ids.size()))))));
        return violations;
    }

    /**
     * Reads the tables for the orders whose ids start with {@code idPrefix} and evaluates, again every two seconds
     * until nothing is broken or {@code settle} has passed. Unreadable tables are a violation, not a pass.
     */
    public static List<Violation> await(Config config, String idPrefix, Map<String, Observed> observed, Duration settle)
            throws InterruptedException {
        return await(config, idPrefix, () -> observed, settle);
    }

    /** As above, asking {@code observed} again each time (for orders that may still be moving). */
    public static List<Violation> await(Config config, String idPrefix, Supplier<Map<String, Observed>> observed,
                                        Duration settle) throws InterruptedException {
        long deadline = System.nanoTime() + settle.toNanos();
        while (true) {
            List<Violation> violations;
            try (Connection db = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword())) {
                violations = evaluate(stock(db), observed.get(), recorded(db, idPrefix));
            } catch (SQLException e) {
                violations = List.of(new Violation("checks could not read the workers' tables: " + e.getMessage(), 1, List.of()));
            }
            if (violations.isEmpty() || System.nanoTime() > deadline) {
                return violations;
            }
            Thread.sleep(2_000);
        }
    }

    private static Stock stock(Connection db) throws SQLException {
        return new Stock(count(db, "select count(*) from inventory.stock_discrepancies"),
                count(db, "select count(*) from inventory.stock where reserved < 0 or on_hand - reserved < 0"));
    }

    private static Map<String, Recorded> recorded(Connection db, String idPrefix) throws SQLException {
        String like = idPrefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        Map<String, int[]> counts = new HashMap<>();
        String[] queries = {
            """
            select order_id, count(*) from payment.payments
            where order_id like ? and kind = 'CAPTURE' and status = 'SUCCEEDED' and undone_by is null group by order_id""",
            "select order_id, count(*) from shipping.shipments where order_id like ? and status <> 'VOIDED' group by order_id",
            "select order_id, count(*) from audit.audit_log where order_id like ? and event_kind = 'STATE_CHANGED' group by order_id",
            // Mails announcing state changes (event id <order>-v<version>); failure mails have ids of their own.
            """
            select order_id, count(*) from notification.mail_queue
            where order_id like ? and status = 'sent' and event_id ~ '-v[0-9]+$' group by order_id""",
        };
        for (int q = 0; q < queries.length; q++) {
            try (var statement = db.prepareStatement(queries[q])) {
                statement.setString(1, like);
                try (var rs = statement.executeQuery()) {
                    while (rs.next()) {
                        counts.computeIfAbsent(rs.getString(1), id -> new int[4])[q] = rs.getInt(2);
                    }
                }
            }
        }
        Map<String, Recorded> recorded = new HashMap<>();
        counts.forEach((id, c) -> recorded.put(id, new Recorded(c[0], c[1], c[2], c[3])));
        return recorded;
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (var statement = db.prepareStatement(sql); var rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
