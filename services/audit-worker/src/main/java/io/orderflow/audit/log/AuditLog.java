package io.orderflow.audit.log;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Appends rows to the audit log, each linked into its order's hash chain. Appending takes a per-order lock for the
 * rest of the transaction, so any number of workers (and both consumers of one worker) keep every chain linear:
 * the next row always reads the previous one after that one has committed. The unique {@code (order_id,
 * chain_index)} constraint makes a fork impossible even for a writer that skipped the lock.
 */
public final class AuditLog {
    /** The advisory-lock namespace (first key) of the per-order lock; the second key is the order id's hash. */
    static final String LOCK_NAMESPACE = "orderflow.audit.chain";

    private static final String LOCK = "select 1 from pg_advisory_xact_lock(hashtext(:namespace), hashtext(:orderId))";
    // One round trip: the order's last row, if any, and the event as the jsonb column will render it back.
    private static final String LAST = """
            select chain_index, hash, cast(:event as jsonb)::text as event_text
            from (select 1) as one
            left join lateral (select chain_index, hash from audit_log where order_id = :orderId
                               order by chain_index desc limit 1) as last on true""";
    private static final String INSERT = """
            insert into audit_log (message_id, order_id, chain_index, source_topic, event_kind, order_version,
                                   transition, from_state, to_state, effect, request_id, status, actor_user_id,
                                   actor_role, reason, correlation_id, causation_id, occurred_at, recorded_at, event,
                                   prev_hash, hash)
            values (:messageId, :orderId, :chainIndex, :sourceTopic, :kind, :orderVersion, :transition, :fromState,
                    :toState, :effect, :requestId, :status, :actorUserId, :actorRole, :reason, :correlationId,
                    :causationId, :occurredAt, :recordedAt, cast(:event as jsonb), :prevHash, :hash)
            on conflict (message_id) do nothing""";
    /** Every column, for reading rows back as {@link AuditRow}s. */
    static final String COLUMNS = """
            seq, message_id, order_id, chain_index, source_topic, event_kind, order_version, transition, from_state,
            to_state, effect, request_id, status, actor_user_id, actor_role, reason, correlation_id, causation_id,
            occurred_at, recorded_at, event::text as event_text, prev_hash, hash""";

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Holds the order's chain lock until the transaction ends. Re-entrant: a transaction may take it more than once.
     * Take it before reading anything the order's row depends on, so that reading sees the previous holder's writes.
     */
    public void lockOrder(Handle handle, String orderId) {
        handle.createQuery(LOCK).bind("namespace", LOCK_NAMESPACE).bind("orderId", orderId).mapTo(Integer.class).one();
    }

    /**
     * Appends {@code entry} as the next row of its order's chain, in {@code handle}'s transaction. Returns false,
     * changing nothing, if a row for the same message exists already.
     */
    public boolean append(Handle handle, AuditEntry entry) {
        lockOrder(handle, entry.orderId());
        Last last = handle.createQuery(LAST)
                .bind("orderId", entry.orderId())
                .bind("event", entry.eventJson())
                .map((rs, ctx) -> new Last(rs.getObject("chain_index") == null ? 0 : rs.getLong("chain_index"),
                        rs.getString("hash"), rs.getString("event_text")))
                .one();
        AuditEntry stored = entry.asStored(last.eventText());
        long chainIndex = last.chainIndex() + 1;
        Instant recordedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        String hash = ChainHash.of(last.hash(), stored, chainIndex, recordedAt);
        int inserted = handle.createUpdate(INSERT)
                .bind("messageId", stored.messageId())
                .bind("orderId", stored.orderId())
                .bind("chainIndex", chainIndex)
                .bind("sourceTopic", stored.sourceTopic())
                .bind("kind", stored.kind().name())
                .bind("orderVersion", stored.orderVersion())
                .bind("transition", stored.transition())
                .bind("fromState", stored.fromState())
                .bind("toState", stored.toState())
                .bind("effect", stored.effect())
                .bind("requestId", stored.requestId())
                .bind("status", stored.status())
                .bind("actorUserId", stored.actorUserId())
                .bind("actorRole", stored.actorRole())
                .bind("reason", stored.reason())
                .bind("correlationId", stored.correlationId())
                .bind("causationId", stored.causationId())
                .bind("occurredAt", utc(stored.occurredAt()))
                .bind("recordedAt", utc(recordedAt))
                .bind("event", entry.eventJson())
                .bind("prevHash", last.hash())
                .bind("hash", hash)
                .execute();
        return inserted == 1;
    }

    /** The row recording {@code messageId}, if it has been audited. */
    public Optional<AuditRow> find(Handle handle, String messageId) {
        return handle.createQuery("select " + COLUMNS + " from audit_log where message_id = :id")
                .bind("id", messageId)
                .map(AuditLog::row)
                .findOne();
    }

    static AuditRow row(ResultSet rs, StatementContext ctx) throws SQLException {
        AuditEntry entry = new AuditEntry(rs.getString("message_id"), rs.getString("order_id"),
                rs.getString("source_topic"), EventKind.valueOf(rs.getString("event_kind")),
                rs.getObject("order_version") == null ? null : rs.getLong("order_version"), rs.getString("transition"),
                rs.getString("from_state"), rs.getString("to_state"), rs.getString("effect"),
                rs.getString("request_id"), rs.getString("status"), rs.getString("actor_user_id"),
                rs.getString("actor_role"), rs.getString("reason"), rs.getString("correlation_id"),
                rs.getString("causation_id"), instant(rs, "occurred_at"), rs.getString("event_text"));
        return new AuditRow(rs.getLong("seq"), entry, rs.getLong("chain_index"), instant(rs, "recorded_at"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column, OffsetDateTime.class).toInstant();
    }

    /** timestamptz binds without the session time zone playing a part. */
    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private record Last(long chainIndex, String hash, String eventText) {}
}
