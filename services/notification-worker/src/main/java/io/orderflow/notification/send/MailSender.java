package io.orderflow.notification.send;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.common.app.Backoff;
import io.orderflow.common.db.Database;
import io.orderflow.common.work.DueWorkRunner;
import io.orderflow.notification.NotificationSettings;
import io.orderflow.notification.queue.MailQueue;
import io.orderflow.notification.queue.MailStatus;
import io.orderflow.notification.queue.QueuedMail;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The senders: {@code settings.senders()} threads of a {@link DueWorkRunner} claim batches of due mail and send each
 * over an SMTP connection kept open between mails and batches (one per sender at most; a connection that fails is
 * dropped and the mail tried once more on a fresh one). Any number of threads and processes may run side by side;
 * claims keep them off each other's mail. During a burst the queue grows and the senders catch up after it.
 *
 * <p>Delivery is at least once: if a sender dies after the server accepted a mail but before the row says so, the
 * mail goes out again when the claim's lease runs out, with the same Message-ID.
 */
public final class MailSender implements DueWorkRunner.Queue<MailSender.Claimed>, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MailSender.class);
    /** After a failed connect, how long senders fail mail at once instead of connecting again for each. */
    private static final Duration UNREACHABLE_FOR = Duration.ofSeconds(1);

    private final MailQueue queue;
    private final SmtpMailer mailer;
    private final NotificationSettings settings;
    private final Backoff backoff;
    private final BlockingDeque<SmtpMailer.Connection> idle = new LinkedBlockingDeque<>();
    private final Counter sent;
    private final Counter retried;
    private final Counter dead;
    private final Counter connections;
    private DueWorkRunner<Claimed> runner;
    private volatile Unreachable unreachable;
    private volatile boolean closing;

    /** A claimed mail, when this process claimed it, and whether the SMTP server has accepted it (not yet recorded). */
    public static final class Claimed {
        private final QueuedMail mail;
        private final long claimedAtNanos;
        private boolean sent;

        Claimed(QueuedMail mail, long claimedAtNanos) {
            this.mail = mail;
            this.claimedAtNanos = claimedAtNanos;
        }

        public QueuedMail mail() {
            return mail;
        }

        @Override
        public String toString() {
            return "mail " + mail.id();
        }
    }

    private record Unreachable(MessagingException error, long untilNanos) {}

    private MailSender(MailQueue queue, SmtpMailer mailer, NotificationSettings settings, MeterRegistry registry) {
        this.queue = queue;
        this.mailer = mailer;
        this.settings = settings;
        this.backoff = new Backoff(settings.firstRetry(), settings.maxRetry());
        this.sent = counter(registry, "sent");
        this.retried = counter(registry, "retry");
        this.dead = counter(registry, "dead");
        this.connections = Counter.builder("orderflow.mail.connections")
                .description("SMTP connections opened (kept open between mails)").register(registry);
    }

    /** Starts {@code settings.senders()} sender threads (none if 0), woken when mail is queued in {@code database}. */
    public static MailSender start(MailQueue queue, SmtpMailer mailer, NotificationSettings settings,
                                   Database database, MeterRegistry registry) {
        MailSender sender = new MailSender(queue, mailer, settings, registry);
        if (settings.senders() > 0) {
            sender.runner = DueWorkRunner.builder("mail-sender", sender)
                    .threads(settings.senders())
                    .batchSize(settings.batchSize())
                    .pollInterval(settings.pollInterval())
                    .backoff(settings.pollInterval(), Duration.ofSeconds(30))
                    .wakeOnNotify(database, "mail_queue")
                    .closeTimeout(settings.smtpTimeout().multipliedBy(3).plusSeconds(5))
                    .registry(registry)
                    .start();
        }
        return sender;
    }

    public boolean isRunning() {
        return !closing && (runner == null || runner.isRunning());
    }

    /** Lets each sender finish the mail in hand, gives back the rest of its batch, and closes the connections. */
    @Override
    public void close() {
        closing = true;
        if (runner != null) {
            runner.close();
        }
        for (SmtpMailer.Connection connection; (connection = idle.poll()) != null; ) {
            connection.close();
        }
    }

    @Override
    public List<Claimed> claim(int limit) {
        long now = System.nanoTime();
        return queue.claim(limit, settings.lease()).stream().map(mail -> new Claimed(mail, now)).toList();
    }

    @Override
    public void release(Claimed claimed) {
        queue.release(claimed.mail());
    }

    @Override
    public String orderId(Claimed claimed) {
        return claimed.mail().orderId();
    }

    @Override
    public void perform(Claimed claimed) {
        QueuedMail mail = claimed.mail();
        // Past half the lease a sender starts no new send, so one still under way ends well inside the lease and no
        // other sender can have taken the same mail meanwhile.
        if (System.nanoTime() - (claimed.claimedAtNanos + settings.lease().dividedBy(2).toNanos()) > 0) {
            queue.release(mail);
            return;
        }
        MimeMessage message;
        try {
            message = mailer.message(mail);
        } catch (MessagingException | RuntimeException e) {
            failed(mail, e, true);  // e.g. a malformed recipient address: permanent, dead at once
            return;
        }
        Unreachable down = unreachable;
        if (down != null && System.nanoTime() - down.untilNanos() < 0) {
            // No session a moment ago (server down, or it refused our login): fail at once, logged once per connect.
            failed(mail, down.error(), false);
            return;
        }
        SmtpMailer.Connection reused = idle.pollFirst();
        try {
            send(reused != null ? reused : connect(), message);
        } catch (MessagingException | RuntimeException e) {
            if (reused == null || SmtpMailer.isPermanent(e)) {
                failed(mail, e, true);
                return;
            }
            // A kept connection may have been dropped by the server while idle: once more on a fresh one.
            try {
                send(connect(), message);
            } catch (MessagingException | RuntimeException again) {
                failed(mail, again, true);
                return;
            }
        }
        claimed.sent = true;
        log.info("mail {} ({} of order {}) sent to {} as {}", mail.id(), mail.transition(), mail.orderId(),
                mail.recipient(), mail.messageId());
    }

    /**
     * Records a batch's sent mail in one statement. A sender that dies before this sends those mails again once their
     * lease runs out, with the same Message-ID: the at-least-once delivery this class promises.
     */
    @Override
    public void performed(List<Claimed> claims) {
        List<QueuedMail> accepted = claims.stream().filter(c -> c.sent).map(Claimed::mail).toList();
        if (!accepted.isEmpty()) {
            queue.markSent(accepted);
            sent.increment(accepted.size());
            log.debug("{} mails recorded sent", accepted.size());
        }
    }

    /** Sends over {@code connection} and keeps it for the next mail; closes it if the send fails. */
    private void send(SmtpMailer.Connection connection, MimeMessage message) throws MessagingException {
        try {
            connection.send(message);
        } catch (MessagingException | RuntimeException e) {
            connection.close();
            throw e;
        }
        if (closing) {
            connection.close();
        } else {
            idle.offerFirst(connection);
        }
    }

    private SmtpMailer.Connection connect() throws MessagingException {
        try {
            SmtpMailer.Connection connection = mailer.connect();
            connections.increment();
            return connection;
        } catch (MessagingException | RuntimeException e) {
            MessagingException error = e instanceof MessagingException m ? m
                    : new MessagingException("cannot connect to " + settings.smtpHost() + ":" + settings.smtpPort(), e);
            unreachable = new Unreachable(error, System.nanoTime() + UNREACHABLE_FOR.toNanos());
            log.warn("no SMTP session with {}:{} ({}); queued mail waits for its next attempt", settings.smtpHost(),
                    settings.smtpPort(), describe(error));
            throw new UnreachableServer(error);
        }
    }

    /** Records a failed attempt; returns the mail's status now (empty if its claim had run out). */
    private Optional<MailStatus> failed(QueuedMail mail, Exception error, boolean logRetry) {
        Exception cause = error instanceof UnreachableServer u ? u.error : error;
        boolean quiet = !logRetry || error instanceof UnreachableServer;
        boolean permanent = SmtpMailer.isPermanent(cause);
        String reason = describe(cause);
        Optional<MailStatus> now = queue.markFailed(mail, reason, permanent, settings.maxAttempts(), backoff);
        if (now.isEmpty()) {
            log.warn("mail {} failed ({}), but its claim had run out; the sender that took it over decides", mail.id(),
                    reason);
        } else if (now.get() == MailStatus.DEAD) {
            dead.increment();
            log.error("mail {} ({} of order {}) to {} is dead after {} attempt(s): {}. Retry it with "
                            + "`scripts/mail-admin retry {}`", mail.id(), mail.transition(), mail.orderId(),
                    mail.recipient(), mail.attempts(), reason, mail.id());
        } else {
            retried.increment();
            if (!quiet) {
                log.warn("mail {} ({} of order {}) to {} failed (attempt {} of {}): {}; next attempt in {} ms",
                        mail.id(), mail.transition(), mail.orderId(), mail.recipient(), mail.attempts(),
                        settings.maxAttempts(), reason, backoff.after(mail.attempts()).toMillis());
            }
        }
        return now;
    }

    /** The error and its causes on one line, e.g. "MailConnectException: Couldn't connect ... <- ConnectException: ...". */
    private static String describe(Throwable error) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!out.isEmpty()) {
                out.append(" <- ");
            }
            out.append(t.getClass().getSimpleName());
            if (t.getMessage() != null) {
                out.append(": ").append(t.getMessage().strip());
            }
        }
        return out.toString();
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("orderflow.mail.attempts").tag("outcome", outcome)
                .description("mail send attempts, by outcome").register(registry);
    }

    /** No SMTP session could be opened; logged once when it happened, not again per mail. */
    private static final class UnreachableServer extends RuntimeException {
        final MessagingException error;

        UnreachableServer(MessagingException error) {
            super(error.getMessage(), error);
            this.error = error;
        }
    }
}
