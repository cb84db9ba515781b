package io.orderflow.admin.reports;

import io.orderflow.admin.orders.Amounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * The numbers behind the reports page, all from the read model: orders entering each state per hour and per day,
 * transitions per hour, orders stuck past a deadline or flagged, and refunds (with their finance-ledger postings)
 * against the 24-hour promise.
 */
public final class Reports {
    public static final Duration REFUND_PROMISE = Duration.ofHours(24);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("MM-dd HH:00").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    private final Jdbi jdbi;
    private final Clock clock;

    public Reports(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Counts per time bucket (oldest first) for each series. */
    public record Series(List<String> buckets, Map<String, long[]> values) {}

    /** State changes per hour over the last 24 hours, by the state entered. */
    public Series statesPerHour() {
        return series("to_state", ChronoUnit.HOURS, 24, HOUR);
    }

    /** State changes per day over the last 14 days, by the state entered. */
    public Series statesPerDay() {
        return series("to_state", ChronoUnit.DAYS, 14, DAY);
    }

    /** Transitions taken per hour over the last 24 hours, by transition. */
    public Series transitionsPerHour() {
        return series("transition", ChronoUnit.HOURS, 24, HOUR);
    }

    private Series series(String column, ChronoUnit unit, int count, DateTimeFormatter format) {
        Instant end = clock.instant().truncatedTo(unit).plus(1, unit);
        Instant start = end.minus(count, unit);
        List<String> buckets = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            buckets.add(format.format(start.plus(i, unit)));
        }
        Map<String, long[]> values = new LinkedHashMap<>();
        String unitName = unit == ChronoUnit.HOURS ? "hour" : "day";
        jdbi.useHandle(h -> h.createQuery("select lower(" + column + "), date_trunc('" + unitName
                        + "', occurred_at at time zone 'UTC'), count(*) from order_history"
                        + " where kind = 'STATE_CHANGED' and occurred_at >= :start group by 1, 2 order by 1")
                .bind("start", start.atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> new Object[] {rs.getString(1), rs.getObject(2, java.time.LocalDateTime.class),
                        rs.getLong(3)})
                .forEach(row -> {
                    Instant bucket = ((java.time.LocalDateTime) row[1]).toInstant(ZoneOffset.UTC);
                    int index = (int) unit.between(start, bucket);
                    if (index >= 0 && index < count) {
                        values.computeIfAbsent((String) row[0], k -> new long[count])[index] += (Long) row[2];
                    }
                }));
        return new Series(buckets, values);
    }

    /** An order that needs a look: past its in-flight deadline, held, or flagged. */
    public record Stuck(String orderId, String state, String why, Instant since) {}

    public List<Stuck> stuck(int max) {
        return jdbi.withHandle(h -> h.createQuery("""
                select order_id, state,
                    case when flagged_reason is not null then 'flagged: ' || flagged_reason
                         when in_flight_deadline < :now then lower(in_flight) || ' past its deadline ' || in_flight_deadline
                         else 'held: ' || held_reason end,
                    coalesce(in_flight_since, updated_at)
                from orders
                where flagged_reason is not null or held_reason is not null or in_flight_deadline < :now
                order by updated_at limit :max""")
                .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("max", max)
                .map((rs, ctx) -> new Stuck(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getObject(4, OffsetDateTime.class).toInstant()))
                .list());
    }

    /**
     * A refund: asked for (the engine's refund request), confirmed by the gateway (the order became refunded) and
     * posted to the finance ledger (the audit worker's posting). The promise is kept when the posting comes within
     * 24 hours of the request; open past that, or posted later, is a breach.
     */
    public record Refund(String orderId, Instant requestedAt, Instant refundedAt, Instant postedAt, String amount,
                         boolean breached) {
        public String took() {
            return postedAt == null ? "open" : Duration.between(requestedAt, postedAt).truncatedTo(ChronoUnit.SECONDS)
                    .toString().substring(2).toLowerCase(Locale.ROOT);
        }
    }

    public List<Refund> refunds(int max) {
        Instant now = clock.instant();
        return jdbi.withHandle(h -> h.createQuery("""
                select r.order_id, r.occurred_at,
                    (select min(c.occurred_at) from order_history c where c.order_id = r.order_id
                        and c.kind = 'STATE_CHANGED' and c.transition = 'REFUND' and c.occurred_at >= r.occurred_at),
                    l.posted_at, l.amount_minor, l.currency
                from order_history r
                left join lateral (select posted_at, amount_minor, currency from ledger_entries l
                    where l.order_id = r.order_id and l.kind = 'REFUND' and l.posted_at >= r.occurred_at
                    order by posted_at limit 1) l on true
                where r.kind = 'EFFECT_REQUESTED' and r.effect = 'REFUND_PAYMENT'
                order by r.occurred_at desc limit :max""")
                .bind("max", max)
                .map((rs, ctx) -> {
                    Instant requested = rs.getObject(2, OffsetDateTime.class).toInstant();
                    Instant refunded = instant(rs.getObject(3, OffsetDateTime.class));
                    Instant posted = instant(rs.getObject(4, OffsetDateTime.class));
                    String amount = posted == null ? null : Amounts.format(rs.getLong(5), rs.getString(6));
                    Instant end = posted == null ? now : posted;
                    return new Refund(rs.getString(1), requested, refunded, posted, amount,
                            Duration.between(requested, end).compareTo(REFUND_PROMISE) > 0);
                })
                .list());
    }

    private static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
