package io.orderflow.notification.queue;

import java.time.Instant;
import java.util.UUID;

/** One row of the mail queue. {@code attempts} counts attempts started, the one in hand included. */
public record QueuedMail(long id, String eventId, String orderId, String transition, String recipient,
                         String subject, String textBody, String htmlBody, String messageId, MailStatus status,
                         int attempts, Instant nextAttemptAt, UUID claimToken, String lastError, Instant createdAt,
                         Instant sentAt) {}
