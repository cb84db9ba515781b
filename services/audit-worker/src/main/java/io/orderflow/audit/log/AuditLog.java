package io.orderflow.audit.log;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Appends rows to the audit log, each linked into its order's hash chain. Appending takes a per-order lock for the
 * rest of the transaction, so any number of workers (and both consumers of one worker) keep every chain linear:
 * the next row always reads the previous one after that one has committed. A batch takes each of its orders' locks
 * once, in order-id order, so two writers never wait for each other in a cycle. The unique {@code (order_id,
 * chain_index)} constraint makes a fork impossible even for a writer that skipped the lock.
 */
public final class AuditLog {
    /** The advisory-lock namespace (first key) of the per-order lock; the second key is the order id's hash. */
    static final String LOCK_NAMESPACE = "orderflow.audit.chain";

    // The function scan yields the (sorted) array in order, so the locks are taken in that order.
    private static final String LOCK = """
            select count(pg_advisory_xact_lock(hashtext(:namespace), hashtext(o))) from unnest(:orderIds) as t(o)""";
    private static final String AUDITED = "select message_id from audit_log where message_id = any(:messageIds)";
    private static final String LAST = """
            select distinct on (order_id) order_id, chain_index, hash from audit_log
            where order_id = any(:orderIds) order by order_id, chain_index desc""";
    // The events as the jsonb column will render them back, which is what the chain hashes.
    private static final String RENDERED = """
            select cast(e as jsonb)::text from unnest(cast(:events as text[])) with ordinality as t(e, i) order by i""";
    private static final String INSERT = """
            insert into audit_log (message_id, order_id, chain_index, source_topic, event_kind, order_version,
                                   transition, from_state, to_state, effect, request_id, status, actor_user_id,
                                   actor_role, reason, correlation_id, causation_id, occurred_at, recorded_at, event,
                                   prev_hash, hash, principal)
            values (:messageId, :orderId, :chainIndex, :sourceTopic, :kind, :orderVersion, :transition, :fromState,
                    :toState, :effect, :requestId, :status, :actorUserId, :actorRole, :reason, :correlationId,
                    :causationId, :occurredAt, :recordedAt, cast(:event as jsonb), :prevHash, :hash, :principal)
""";
    /** Every column, for reading rows back as {@link AuditRow}s. */
    static final String COLUMNS = """
            seq, message_id, order_id, chain_index, source_topic, event_kind, order_version, transition, from_state,
            to_state, effect, request_id, status, actor_user_id, actor_role, reason, correlation_id, causation_id,
            occurred_at, recorded_at, event::text as event_text, prev_hash, hash, principal""";

    private final Clock clock;

    public AuditLog(Clock clock) {
        this.clock = clock;
    }

    /**
     * Holds the orders' chain locks until the transaction ends, taken in order-id order. Re-entrant: a transaction
     * may take them more than once. Take them before reading anything an order's rows depend on, so that reading sees
     * the previous holder's writes.
     */
    public void lockOrders(Handle handle, Collection<String> orderIds) {
        handle.createQuery(LOCK).bind("namespace", LOCK_NAMESPACE)
                .bind("orderIds", new TreeSet<>(orderIds).toArray(String[]::new)).mapTo(Long.class).one();
    }

    /**
     * Appends {@code entry} as the next row of its order's chain, in {@code handle}'s transaction. Returns false,
     * changing nothing, if a row for the same message exists already.
     */
    public boolean append(Handle handle, AuditEntry entry) {
        return !appendAll(handle, List.of(entry)).isEmpty();
    }

    /**
     * Appends {@code entries}, each as the next row of its order's chain (in list order within an order), in
     * {@code handle}'s transaction: the orders' locks once, one read of the chains' last rows, one batch of inserts.
     * Returns the message ids appended; an entry whose message has a row already (or comes twice) is left out.
     */
    public Set<String> appendAll(Handle handle, List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return Set.of();
        }
        Set<String> orderIds = new TreeSet<>();
        entries.forEach(entry -> orderIds.add(entry.orderId()));
        lockOrders(handle, orderIds);
        Set<String> seen = new HashSet<>(handle.createQuery(AUDITED)
                .bind("messageIds", entries.stream().map(AuditEntry::messageId).toArray(String[]::new))
                .mapTo(String.class).list());
        List<AuditEntry> fresh = entries.stream().filter(entry -> seen.add(entry.messageId())).toList();
        if (fresh.isEmpty()) {
            return Set.of();
        }
        Map<String, Last> last = new HashMap<>();
        handle.createQuery(LAST).bind("orderIds", orderIds.toArray(String[]::new))
                .map((rs, ctx) -> new Last(rs.getString("order_id"), rs.getLong("chain_index"), rs.getString("hash")))
                .forEach(row -> last.put(row.orderId(), row));
        List<String> rendered = handle.createQuery(RENDERED)
                .bind("events", fresh.stream().map(AuditEntry::eventJson).toArray(String[]::new))
                .mapTo(String.class).list();
        Instant recordedAt = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        PreparedBatch insert = handle.prepareBatch(INSERT);
        Set<String> appended = new LinkedHashSet<>();
        for (int i = 0; i < fresh.size(); i++) {
            AuditEntry entry = fresh.get(i);
            AuditEntry stored = entry.asStored(rendered.get(i));
            Last previous = last.getOrDefault(entry.orderId(), new Last(entry.orderId(), 0, null));
            long chainIndex = previous.chainIndex() + 1;
            String hash = ChainHash.of(previous.hash(), stored, chainIndex, recordedAt);
            last.put(entry.orderId(), new Last(entry.orderId(), chainIndex, hash));
            insert.bind("messageId", stored.messageId())
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
                    .bind("prevHash", previous.hash())
                    .bind("hash", hash)
                    .bind("principal", stored.principal())
                    .add();
            appended.add(entry.messageId());
        }
        insert.execute();
        return appended;
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
                rs.getString("causation_id"), instant(rs, "occurred_at"), rs.getString("event_text"),
                rs.getString("principal"));
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

    private record Last(String orderId, long chainIndex, String hash) {}
}
