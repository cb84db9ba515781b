package io.orderflow.notification.queue;

import java.util.Locale;

/** Where a queued mail stands. Stored as its lower-case name. */
public enum MailStatus {
    /** Waiting for its first or next attempt (at {@code next_attempt_at}), or being sent under a claim. */
    QUEUED,
    /** Accepted by the SMTP server. */
    SENT,
    /** Gave up: out of attempts, or refused for good (bad address). Only an operator's retry sends it again. */
    DEAD;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static MailStatus fromDb(String value) {
        return valueOf(value.toUpperCase(Locale.ROOT));
    }
}
