package io.orderflow.notification.send;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.common.app.Backoff;
import io.orderflow.common.app.Pause;
import io.orderflow.notification.NotificationSettings;
import io.orderflow.notification.queue.MailQueue;
import io.orderflow.notification.queue.MailStatus;
import io.orderflow.notification.queue.QueuedMail;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sender threads: each claims a batch of due mail, sends it over one SMTP connection and records every result at
 * once, then looks again (at once after a full batch, after the poll interval otherwise). Any number of threads and
 * processes may run side by side; claims keep them off each other's mail.
 *
 * <p>Delivery is at least once: if a sender dies after the server accepted a mail but before the row says so, the
 * mail goes out again when the claim's lease runs out, with the same Message-ID.
 */
public final class MailSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MailSender.class);
    /** How often a pause looks whether the sender is closing. */
    private static final Duration PAUSE_SLICE = Duration.ofMillis(50);

    private final MailQueue queue;
    private final SmtpMailer mailer;
    private final NotificationSettings settings;
    private final Backoff backoff;
    private final Backoff errorBackoff;
    private final List<Thread> threads = new ArrayList<>();
    private final Counter sent;
    private final Counter retried;
    private final Counter dead;
    private volatile boolean closing;

    private MailSender(MailQueue queue, SmtpMailer mailer, NotificationSettings settings, MeterRegistry registry) {
        this.queue = queue;
        this.mailer = mailer;
        this.settings = settings;
        this.backoff = new Backoff(settings.firstRetry(), settings.maxRetry());
        this.errorBackoff = new Backoff(settings.pollInterval(), Duration.ofSeconds(30));
        this.sent = counter(registry, "sent");
        this.retried = counter(registry, "retry");
        this.dead = counter(registry, "dead");
    }

    /** Starts {@code settings.senders()} sender threads (none if 0). */
    public static MailSender start(MailQueue queue, SmtpMailer mailer, NotificationSettings settings,
                                   MeterRegistry registry) {
        MailSender sender = new MailSender(queue, mailer, settings, registry);
        for (int i = 1; i <= settings.senders(); i++) {
            Thread thread = new Thread(sender::run, "mail-sender-" + i);
            thread.setDaemon(true);
            sender.threads.add(thread);
            thread.start();
        }
        return sender;
    }

    public boolean isRunning() {
        return !closing && threads.stream().allMatch(Thread::isAlive);
    }

    /** Lets each thread finish the mail in hand, gives back the rest of its batch, and waits for it. */
    @Override
    public void close() {
        closing = true;
        for (Thread thread : threads) {
            try {
                thread.join(settings.smtpTimeout().multipliedBy(3).plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                log.warn("{} did not stop in time; its claimed mail is sent again after the lease", thread.getName());
            }
        }
    }

    private void run() {
        int failures = 0;  // batches failed in a row
        while (!closing) {
            try {
                int claimed = sendDueBatch();
                failures = 0;
                if (claimed < settings.batchSize()) {
                    pause(settings.pollInterval());
                }
            } catch (RuntimeException e) {
                // The database failed (an SMTP failure is recorded on the mail). Claimed mail waits for its lease.
                Duration errorPause = errorBackoff.after(++failures);
                log.warn("mail sender: {}; looking again in {} ms", e.toString(), errorPause.toMillis());
                pause(errorPause);
            }
        }
    }

    /** Claims and sends one batch; returns how many mails it claimed. */
    int sendDueBatch() {
        List<QueuedMail> batch = queue.claim(settings.batchSize(), settings.lease());
        if (batch.isEmpty()) {
            return 0;
        }
        long claimedAt = System.nanoTime();
        // Past half the lease this sender stops starting new sends, so one still under way ends well inside it and
        // no other sender can have taken the same mail meanwhile.
        long stopStartingAt = claimedAt + settings.lease().dividedBy(2).toNanos();
        SmtpMailer.Connection connection = null;
        MessagingException unreachable = null;
        int waiting = 0;  // mails of this batch that could not reach the server and will be tried again
        try {
            for (int i = 0; i < batch.size(); i++) {
                QueuedMail mail = batch.get(i);
                if (closing || System.nanoTime() - stopStartingAt > 0) {
                    batch.subList(i, batch.size()).forEach(queue::release);
                    break;
                }
                MimeMessage message;
                try {
                    message = mailer.message(mail);
                } catch (MessagingException | RuntimeException e) {
                    failed(mail, e, true);  // e.g. a malformed recipient address: permanent, dead at once
                    continue;
                }
                if (unreachable == null && connection == null) {
                    try {
                        connection = connect();
                    } catch (MessagingException e) {
                        unreachable = e;
                    }
                }
                if (unreachable != null) {
                    // No session (server down, or it refused our login): the rest of the batch fails the same way,
                    // without waiting, and is logged once below rather than mail by mail.
                    if (failed(mail, unreachable, false).filter(now -> now == MailStatus.QUEUED).isPresent()) {
                        waiting++;
                    }
                    continue;
                }
                try {
                    connection.send(message);
                } catch (MessagingException | RuntimeException e) {
                    failed(mail, e, true);
                    // The server may have dropped us mid-conversation; the next mail starts on a fresh connection.
                    connection.close();
                    connection = null;
                    continue;
                }
                queue.markSent(mail);
                sent.increment();
                log.info("mail {} ({} of order {}) sent to {} as {}", mail.id(), mail.transition(), mail.orderId(),
                        mail.recipient(), mail.messageId());
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
        if (waiting > 0) {
            log.warn("no SMTP session with {}:{} ({}); {} mail(s) wait for their next attempt",
                    settings.smtpHost(), settings.smtpPort(), describe(unreachable), waiting);
        }
        return batch.size();
    }

    private SmtpMailer.Connection connect() throws MessagingException {
        try {
            return mailer.connect();
        } catch (MessagingException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MessagingException("cannot connect to " + settings.smtpHost() + ":" + settings.smtpPort(), e);
        }
    }

    /** Records a failed attempt; returns the mail's status now (empty if its claim had run out). */
    private Optional<MailStatus> failed(QueuedMail mail, Exception error, boolean logRetry) {
        boolean permanent = SmtpMailer.isPermanent(error);
        String reason = describe(error);
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
            if (!logRetry) {
                return now;
            }
            log.warn("mail {} ({} of order {}) to {} failed (attempt {} of {}): {}; next attempt in {} ms", mail.id(),
                    mail.transition(), mail.orderId(), mail.recipient(), mail.attempts(), settings.maxAttempts(),
                    reason, backoff.after(mail.attempts()).toMillis());
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

    private void pause(Duration duration) {
        if (!Pause.sleep(duration, PAUSE_SLICE, () -> closing)) {
            closing = true;  // interrupted: stop as if closed
        }
    }

    private static Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("orderflow.mail.attempts").tag("outcome", outcome)
                .description("mail send attempts, by outcome").register(registry);
    }
}
