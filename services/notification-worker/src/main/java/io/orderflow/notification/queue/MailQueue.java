package io.orderflow.notification.queue;

import io.orderflow.common.app.Backoff;
import io.orderflow.notification.render.Mail;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The {@code mail_queue} table: queueing (in the consumer's transaction), claiming for several senders at once
 * ({@code for update skip locked}), recording results with backoff, and the operator's views and retries.
 * Times are the database's clock, so senders on several machines agree on what is due.
 */
public final class MailQueue {
    private static final String COLUMNS = """
            id, event_id, order_id, transition, recipient, subject, text_body, html_body, message_id, status, attempts,
            next_attempt_at, claim_token, last_error, created_at, sent_at""";
    /** How much of an SMTP error a row keeps. */
    private static final int MAX_ERROR_LENGTH = 2000;

    private final Jdbi jdbi;

    public MailQueue(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    private static final String ENQUEUE = """
            insert into mail_queue (event_id, order_id, transition, recipient, subject, text_body, html_body, message_id)
            values (:eventId, :orderId, :transition, :recipient, :subject, :textBody, :htmlBody, :messageId)
            on conflict (event_id) do nothing""";

    /**
     * Queues {@code mail} in the caller's transaction; returns false if a mail for its event is already queued (the
     * unique event id makes a redelivered event a no-op even if its processed-message mark is gone).
     */
    public static boolean enqueue(Handle handle, Mail mail) {
        return enqueueAll(handle, List.of(mail)) == 1;
    }

    /** Queues {@code mails} in the caller's transaction, in one round trip; returns how many were new (see above). */
    public static int enqueueAll(Handle handle, List<Mail> mails) {
        if (mails.isEmpty()) {
            return 0;
        }
        PreparedBatch batch = handle.prepareBatch(ENQUEUE);
        for (Mail mail : mails) {
            batch.bind("eventId", mail.eventId())
                    .bind("orderId", mail.orderId())
                    .bind("transition", mail.transition().name())
                    .bind("recipient", mail.recipient())
                    .bind("subject", mail.subject())
                    .bind("textBody", mail.textBody())
                    .bind("htmlBody", mail.htmlBody())
                    .bind("messageId", mail.messageId())
                    .add();
        }
        return Arrays.stream(batch.execute()).sum();
    }

    /**
     * Claims up to {@code limit} due mails for one sender: counts the attempt and moves each mail's next attempt a
     * {@code lease} ahead, so no other sender takes it meanwhile, and a mail whose sender dies becomes due again.
     * Rows another sender is claiming right now are skipped, not waited for. Oldest due first.
     */
    public List<QueuedMail> claim(int limit, Duration lease) {
        UUID token = UUID.randomUUID();
        return jdbi.inTransaction(h -> h.createQuery("""
                        with due as (
                            select id from mail_queue
                            where status = 'queued' and next_attempt_at <= now()
                            order by next_attempt_at, id
                            limit :limit
                            for update skip locked)
                        update mail_queue m
                        set attempts = m.attempts + 1,
                            next_attempt_at = now() + :leaseMillis * interval '1 millisecond',
                            claim_token = :token,
                            updated_at = now()
                        from due
                        where m.id = due.id
                        returning m.*""")
                .bind("limit", limit)
                .bind("leaseMillis", lease.toMillis())
                .bind("token", token)
                .map(MailQueue::row)
                .list()
                .stream()
                .sorted(Comparator.comparingLong(QueuedMail::id))
                .toList());
    }

    /** The SMTP server accepted them (one statement for a sender's batch). Recorded even if a claim went stale meanwhile: the mail did go out. */
    public void markSent(List<QueuedMail> mails) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update mail_queue
                        set status = 'sent', sent_at = now(), claim_token = null, last_error = null, updated_at = now()
                        where id = any(:ids) and status <> 'sent'""")
                .bindArray("ids", Long.class, mails.stream().map(QueuedMail::id).toList())
                .execute());
    }

    /**
     * An attempt failed. The mail is due again after {@code backoff}, or dead if the failure is {@code permanent} or
     * this was its last attempt. Ignored if the claim is no longer this sender's (the lease ran out and another
     * sender took over): that sender records the outcome. Returns the mail's status afterwards (empty if ignored).
     */
    public Optional<MailStatus> markFailed(QueuedMail mail, String error, boolean permanent, int maxAttempts,
                                           Backoff backoff) {
        boolean dead = permanent || mail.attempts() >= maxAttempts;
        int updated = jdbi.withHandle(h -> h.createUpdate("""
                        update mail_queue
                        set status = :status,
                            next_attempt_at = now() + :delayMillis * interval '1 millisecond',
                            claim_token = null,
                            last_error = :error,
                            updated_at = now()
                        where id = :id and claim_token = :token and status = 'queued'""")
                .bind("status", (dead ? MailStatus.DEAD : MailStatus.QUEUED).dbName())
                .bind("delayMillis", dead ? 0 : backoff.after(mail.attempts()).toMillis())
                .bind("error", truncate(error))
                .bind("id", mail.id())
                .bind("token", mail.claimToken())
                .execute());
        return updated == 1 ? Optional.of(dead ? MailStatus.DEAD : MailStatus.QUEUED) : Optional.empty();
    }

    /** Gives back a claimed mail that was not attempted after all: due now, its attempt not counted. */
    public void release(QueuedMail mail) {
        jdbi.useHandle(h -> h.createUpdate("""
                        update mail_queue
                        set attempts = attempts - 1, next_attempt_at = now(), claim_token = null, updated_at = now()
                        where id = :id and claim_token = :token and status = 'queued'""")
                .bind("id", mail.id())
                .bind("token", mail.claimToken())
                .execute());
    }

    /** Dead mail {@code id} back in the queue with a fresh set of attempts; false if there is no such dead mail. */
    public boolean retry(long id) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        update mail_queue
                        set status = 'queued', attempts = 0, next_attempt_at = now(), claim_token = null,
                            updated_at = now()
                        where id = :id and status = 'dead'""")
                .bind("id", id)
                .execute()) == 1;
    }

    /** Every dead mail back in the queue; returns how many. */
    public int retryAllDead() {
        return jdbi.withHandle(h -> h.createUpdate("""
                update mail_queue
                set status = 'queued', attempts = 0, next_attempt_at = now(), claim_token = null, updated_at = now()
                where status = 'dead'""").execute());
    }

    public Optional<QueuedMail> find(long id) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from mail_queue where id = :id")
                .bind("id", id).map(MailQueue::row).findOne());
    }

    public Optional<QueuedMail> findByEvent(String eventId) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + " from mail_queue where event_id = :eventId")
                .bind("eventId", eventId).map(MailQueue::row).findOne());
    }

    /** Mails in {@code status} (all if null), optionally of one order, oldest first. */
    public List<QueuedMail> list(MailStatus status, String orderId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("select " + COLUMNS + """
                         from mail_queue
                        where (cast(:status as text) is null or status = :status)
                          and (cast(:orderId as text) is null or order_id = :orderId)
                        order by id
                        limit :limit""")
                .bind("status", status == null ? null : status.dbName())
                .bind("orderId", orderId)
                .bind("limit", limit)
                .map(MailQueue::row)
                .list());
    }

    /** How many mails are in each status. */
    public Map<MailStatus, Long> counts() {
        Map<MailStatus, Long> counts = new EnumMap<>(MailStatus.class);
        for (MailStatus s : MailStatus.values()) {
            counts.put(s, 0L);
        }
        jdbi.useHandle(h -> h.createQuery("select status, count(*) as n from mail_queue group by status")
                .map((rs, ctx) -> Map.entry(MailStatus.fromDb(rs.getString("status")), rs.getLong("n")))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    private static QueuedMail row(ResultSet rs, StatementContext ctx) throws SQLException {
        return new QueuedMail(rs.getLong("id"), rs.getString("event_id"), rs.getString("order_id"),
                rs.getString("transition"), rs.getString("recipient"), rs.getString("subject"),
                rs.getString("text_body"), rs.getString("html_body"), rs.getString("message_id"),
                MailStatus.fromDb(rs.getString("status")), rs.getInt("attempts"), instant(rs, "next_attempt_at"),
                rs.getObject("claim_token", UUID.class), rs.getString("last_error"), instant(rs, "created_at"),
                instant(rs, "sent_at"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String error) {
        if (error == null) {
            return null;
        }
        return error.length() <= MAX_ERROR_LENGTH ? error : error.substring(0, MAX_ERROR_LENGTH - 1) + "…";
    }
}
