package io.orderflow.audit.finance;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.Handle;

/**
 * The refund deadline (docs/design.md: a refund reaches the finance ledger within 24 hours): which orders had a refund
 * requested longer ago than the deadline and still have no refund entry in the ledger. Counted per order, from its
 * first refund request: a refund that failed and was requested again is one refund owed, and it is settled by
 * whichever request's refund is posted, or by a successful answer that there was no money to give back. A refund
 * posted late stops being reported once it is posted.
 */
public final class RefundSla {
    private static final String OVERDUE = """
            select * from (
                select distinct on (r.order_id) r.order_id, r.request_id, r.requested_at, r.order_total_minor,
                       r.currency,
                       (select a.status || coalesce(': ' || a.reason, '') from audit_log a
                        where a.request_id = r.request_id and a.event_kind = 'EFFECT_OUTCOME'
                        order by a.seq desc limit 1) as last_outcome
                from effect_requests r
                where r.effect = 'REFUND_PAYMENT'
                  and not exists (select 1 from ledger_entries l where l.order_id = r.order_id and l.kind = 'REFUND')
                  and not exists (select 1 from ledger_skipped_outcomes s
                                  where s.order_id = r.order_id and s.kind = 'REFUND' and s.why = 'NOTHING_MOVED')
                order by r.order_id, r.requested_at) as first_requests
            where requested_at <= :cutoff
            order by requested_at, order_id""";

    private RefundSla() {}

    /** A refund owed past its deadline. {@code lastOutcome} is the payment worker's latest word on it, if any. */
    public record OverdueRefund(String orderId, String requestId, Instant requestedAt, long orderTotalMinor,
                                String currency, String lastOutcome) {
        public String describe(Instant now) {
            return "order " + orderId + ": refund requested " + requestedAt + " (request " + requestId
                    + ", order total " + orderTotalMinor + " " + currency + ") not posted to the finance ledger after "
                    + format(Duration.between(requestedAt, now).withNanos(0))
                    + (lastOutcome == null ? "; no outcome from the payment worker yet"
                            : "; last outcome " + lastOutcome);
        }
    }

    /** A duration as people write it: 24h, 1h30m, 45s. */
    public static String format(Duration duration) {
        return duration.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** Orders whose refund was requested at or before {@code now - deadline} and has not been posted. */
    public static List<OverdueRefund> overdue(Handle handle, Instant now, Duration deadline) {
        return handle.createQuery(OVERDUE)
                .bind("cutoff", now.minus(deadline).atOffset(ZoneOffset.UTC))
                .map((rs, ctx) -> new OverdueRefund(rs.getString("order_id"), rs.getString("request_id"),
                        rs.getObject("requested_at", OffsetDateTime.class).toInstant(), rs.getLong("order_total_minor"),
                        rs.getString("currency"), rs.getString("last_outcome")))
                .list();
    }
}
