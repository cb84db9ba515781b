package io.orderflow.notification;

import io.orderflow.common.config.Config;
import java.time.Duration;
import java.util.Optional;

/**
 * The notification worker's settings, read once from {@link Config}. Every one has a local default, so the worker
 * runs against {@code infra/mail.sh}'s GreenMail with no configuration at all.
 *
 * @param smtpHost          {@code ORDERFLOW_SMTP_HOST}
 * @param smtpPort          {@code ORDERFLOW_SMTP_PORT}
 * @param smtpUser          {@code ORDERFLOW_SMTP_USER}; no authentication when absent
 * @param smtpPassword      {@code ORDERFLOW_SMTP_PASSWORD}
 * @param startTls          {@code ORDERFLOW_SMTP_STARTTLS}: require STARTTLS before authenticating
 * @param smtpTimeout       {@code ORDERFLOW_SMTP_TIMEOUT}: connect, read and write timeout of one SMTP exchange
 * @param from              {@code ORDERFLOW_MAIL_FROM}: the sender address
 * @param fromName          {@code ORDERFLOW_MAIL_FROM_NAME}: the sender's display name
 * @param trackingBaseUrl   {@code ORDERFLOW_TRACKING_BASE_URL}: a tracking link is this plus the tracking number
 * @param messageIdDomain   {@code ORDERFLOW_MAIL_MESSAGE_ID_DOMAIN}: right-hand side of {@code <eventId@domain>}
 * @param staffEmail        {@code ORDERFLOW_STAFF_EMAIL}: where the mail about a flagged order goes
 * @param consumerGroup     {@code ORDERFLOW_NOTIFICATION_GROUP}: the consumer group on orders.events
 * @param senders           {@code ORDERFLOW_MAIL_SENDERS}: sender threads in this process (0: queue only)
 * @param batchSize         {@code ORDERFLOW_MAIL_BATCH_SIZE}: mails claimed and sent over one SMTP connection
 * @param pollInterval      {@code ORDERFLOW_MAIL_POLL_INTERVAL}: how long an idle sender waits before looking again
 * @param lease             {@code ORDERFLOW_MAIL_LEASE}: how long a claim keeps other senders off a mail
 * @param maxAttempts       {@code ORDERFLOW_MAIL_MAX_ATTEMPTS}: failed attempts after which a mail is dead
 * @param firstRetry        {@code ORDERFLOW_MAIL_RETRY_MIN}: wait after the first failure, doubled after each next one
 * @param maxRetry          {@code ORDERFLOW_MAIL_RETRY_MAX}: the longest wait between two attempts
 */
public record NotificationSettings(
        String smtpHost, int smtpPort, Optional<String> smtpUser, Optional<String> smtpPassword, boolean startTls,
        Duration smtpTimeout, String from, String fromName, String trackingBaseUrl, String messageIdDomain,
        String staffEmail, String consumerGroup, int senders, int batchSize, Duration pollInterval, Duration lease, int maxAttempts,
        Duration firstRetry, Duration maxRetry) {

    /** The schema the worker owns (overridable with {@code ORDERFLOW_DB_SCHEMA}). */
    public static final String SCHEMA = "notification";
    public static final String MIGRATIONS = "classpath:db/notification";

    public NotificationSettings {
        require(smtpPort > 0 && smtpPort < 65536, "ORDERFLOW_SMTP_PORT must be a TCP port");
        require(senders >= 0, "ORDERFLOW_MAIL_SENDERS must be 0 or more");
        require(batchSize > 0, "ORDERFLOW_MAIL_BATCH_SIZE must be at least 1");
        require(maxAttempts > 0, "ORDERFLOW_MAIL_MAX_ATTEMPTS must be at least 1");
        require(!firstRetry.isNegative() && firstRetry.compareTo(maxRetry) <= 0,
                "ORDERFLOW_MAIL_RETRY_MIN must be between 0 and ORDERFLOW_MAIL_RETRY_MAX");
        // A sender stops using a claim at half its lease (see MailSender), and one SMTP exchange must fit in that.
        require(lease.compareTo(smtpTimeout.multipliedBy(4)) >= 0,
                "ORDERFLOW_MAIL_LEASE must be at least four times ORDERFLOW_SMTP_TIMEOUT");
    }

    public static NotificationSettings from(Config config) {
        return new NotificationSettings(
                config.get("ORDERFLOW_SMTP_HOST", "127.0.0.1"),
                config.getInt("ORDERFLOW_SMTP_PORT", 3025),
                config.find("ORDERFLOW_SMTP_USER"),
                config.find("ORDERFLOW_SMTP_PASSWORD"),
                Boolean.parseBoolean(config.get("ORDERFLOW_SMTP_STARTTLS", "false")),
                config.getDuration("ORDERFLOW_SMTP_TIMEOUT", Duration.ofSeconds(20)),
                config.get("ORDERFLOW_MAIL_FROM", "orders@orderflow.local"),
                config.get("ORDERFLOW_MAIL_FROM_NAME", "Orderflow"),
                // The local sandbox carrier answers tracking look-ups there; production points at the carrier's page.
                config.get("ORDERFLOW_TRACKING_BASE_URL",
                        "http://127.0.0.1:" + config.get("ORDERFLOW_CARRIER_PORT", "8092") + "/v1/tracking/"),
                config.get("ORDERFLOW_MAIL_MESSAGE_ID_DOMAIN", "orderflow"),
                config.get("ORDERFLOW_STAFF_EMAIL", "staff@orderflow.local"),
                config.get("ORDERFLOW_NOTIFICATION_GROUP", "notification-worker"),
                config.getInt("ORDERFLOW_MAIL_SENDERS", 1),
                config.getInt("ORDERFLOW_MAIL_BATCH_SIZE", 20),
                config.getDuration("ORDERFLOW_MAIL_POLL_INTERVAL", Duration.ofSeconds(1)),
                config.getDuration("ORDERFLOW_MAIL_LEASE", Duration.ofMinutes(5)),
                config.getInt("ORDERFLOW_MAIL_MAX_ATTEMPTS", 10),
                config.getDuration("ORDERFLOW_MAIL_RETRY_MIN", Duration.ofSeconds(10)),
                config.getDuration("ORDERFLOW_MAIL_RETRY_MAX", Duration.ofMinutes(30)));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
