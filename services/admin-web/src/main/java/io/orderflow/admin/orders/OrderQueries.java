package io.orderflow.admin.orders;

import io.orderflow.admin.orders.OrderDetail.HistoryEntry;
import io.orderflow.admin.orders.OrderDetail.Line;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/** Reads the projected orders: the filtered, keyset-paginated list, one order with lines and history, counts. */
public final class OrderQueries {
    private static final String SUMMARY_COLUMNS = "order_id, state, version, customer_email, total_minor, currency, "
            + "placed_at, updated_at, in_flight, held_reason, flagged_reason";

    private final Jdbi jdbi;

    public OrderQueries(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /** One page of the list plus the cursor of the next page, if there is one. */
    public record Page(List<OrderSummary> rows, Optional<OrderFilter.Cursor> next) {}

    public Page list(OrderFilter filter) {
        String column = filter.sort().column;
        StringBuilder sql = new StringBuilder("select " + SUMMARY_COLUMNS + " from orders where true");
        filter.state().ifPresent(s -> sql.append(" and state = :state"));
        switch (filter.condition()) {
            case IN_FLIGHT -> sql.append(" and in_flight is not null");
            case HELD -> sql.append(" and held_reason is not null");
            case FLAGGED -> sql.append(" and flagged_reason is not null");
            case ANY -> { }
        }
        if (!filter.search().isEmpty()) {
            sql.append(" and (order_id = :search or lower(customer_email) like :emailPrefix escape '\\')");
        }
        filter.after().ifPresent(c -> sql.append(" and (").append(column).append(", order_id) < (:afterAt, :afterId)"));
        sql.append(" order by ").append(column).append(" desc, order_id desc limit :limit");
        List<OrderSummary> rows = jdbi.withHandle(h -> {
            var q = h.createQuery(sql.toString()).bind("limit", filter.limit() + 1);
            filter.state().ifPresent(s -> q.bind("state", s.name()));
            if (!filter.search().isEmpty()) {
                q.bind("search", filter.search()).bind("emailPrefix", likePrefix(filter.search()));
            }
            filter.after().ifPresent(c -> q.bind("afterAt", c.at().atOffset(java.time.ZoneOffset.UTC))
                    .bind("afterId", c.orderId()));
            return q.map((rs, ctx) -> summary(rs)).list();
        });
        if (rows.size() <= filter.limit()) {
            return new Page(rows, Optional.empty());
        }
        List<OrderSummary> shown = rows.subList(0, filter.limit());
        OrderSummary last = shown.get(shown.size() - 1);
        Instant at = filter.sort() == OrderFilter.Sort.PLACED ? last.placedAt() : last.updatedAt();
        return new Page(List.copyOf(shown), Optional.of(new OrderFilter.Cursor(at, last.orderId())));
    }

    /** Every order id the filter matches (for a bulk action on "all that match"), up to {@code max}, page by page. */
    public List<String> ids(OrderFilter filter, int max) {
        List<String> ids = new java.util.ArrayList<>();
        OrderFilter pageFilter = filter.withLimit(Math.min(max, OrderFilter.MAX_LIMIT));
        while (ids.size() < max) {
            Page page = list(pageFilter);
            page.rows().stream().limit(max - ids.size()).forEach(row -> ids.add(row.orderId()));
            if (page.next().isEmpty()) {
                break;
            }
            pageFilter = pageFilter.after(page.next().get());
        }
        return ids;
    }

    public Optional<OrderDetail> find(String orderId) {
        return jdbi.withHandle(h -> {
            Optional<OrderDetail> row = h.createQuery("select * from orders where order_id = :id").bind("id", orderId)
                    .map((rs, ctx) -> detail(rs, List.of(), List.of())).findOne();
            if (row.isEmpty()) {
                return row;
            }
            List<Line> lines = h.createQuery("""
                    select sku, quantity, unit_minor, currency from order_lines where order_id = :id order by line_no""")
                    .bind("id", orderId)
                    .map((rs, ctx) -> new Line(rs.getString(1), rs.getInt(2), rs.getLong(3), rs.getString(4))).list();
            List<HistoryEntry> history = history(orderId);
            OrderDetail d = row.get();
            return Optional.of(withParts(d, lines, history));
        });
    }

    public List<HistoryEntry> history(String orderId) {
        return jdbi.withHandle(h -> h.createQuery("""
                select event_id, version, occurred_at, kind, transition, from_state, to_state, effect, reason, actor_id,
                    actor_role
                from order_history where order_id = :id order by occurred_at, version, event_id""")
                .bind("id", orderId)
                .map((rs, ctx) -> new HistoryEntry(rs.getString(1), rs.getLong(2), instant(rs, 3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
                        rs.getString(10), rs.getString(11)))
                .list());
    }

    /** Orders per state now, every state present (zero when none). */
    public Map<String, Long> countsByState() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (var s : io.orderflow.schema.OrderState.values()) {
            counts.put(s.name(), 0L);
        }
        jdbi.useHandle(h -> h.createQuery("select state, count(*) from orders group by state")
                .map((rs, ctx) -> Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    private static String likePrefix(String search) {
        return search.toLowerCase(java.util.Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                + "%";
    }

    private static OrderSummary summary(ResultSet rs) throws SQLException {
        return new OrderSummary(rs.getString("order_id"), rs.getString("state"), rs.getLong("version"),
                rs.getString("customer_email"), rs.getLong("total_minor"), rs.getString("currency"),
                instant(rs, "placed_at"), instant(rs, "updated_at"), rs.getString("in_flight"),
                rs.getString("held_reason"), rs.getString("flagged_reason"));
    }

    private static OrderDetail detail(ResultSet rs, List<Line> lines, List<HistoryEntry> history) throws SQLException {
        return new OrderDetail(rs.getString("order_id"), rs.getString("state"), rs.getLong("version"),
                rs.getString("customer_id"), rs.getString("customer_email"), rs.getString("payment_method"),
                rs.getString("shipping_address"), rs.getLong("total_minor"), rs.getString("currency"),
                instant(rs, "placed_at"), instant(rs, "updated_at"), instant(rs, "state_since"),
                rs.getString("payment_reference"), rs.getString("label_id"), rs.getString("tracking_number"),
                rs.getString("tracking_status"), rs.getString("note"), rs.getString("in_flight"),
                rs.getString("in_flight_effect"), rs.getString("in_flight_request"), instant(rs, "in_flight_since"),
                instant(rs, "in_flight_deadline"), rs.getString("in_flight_actor"), rs.getString("in_flight_role"),
                rs.getString("held_reason"), rs.getString("flagged_reason"), lines, history);
    }

    private static OrderDetail withParts(OrderDetail d, List<Line> lines, List<HistoryEntry> history) {
        return new OrderDetail(d.orderId(), d.state(), d.version(), d.customerId(), d.customerEmail(),
                d.paymentMethod(), d.shippingAddress(), d.totalMinor(), d.currency(), d.placedAt(), d.updatedAt(),
                d.stateSince(), d.paymentReference(), d.labelId(), d.trackingNumber(), d.trackingStatus(), d.note(),
                d.inFlight(), d.inFlightEffect(), d.inFlightRequest(), d.inFlightSince(), d.inFlightDeadline(),
                d.inFlightActor(), d.inFlightRole(), d.heldReason(), d.flaggedReason(), lines, history);
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
