package io.orderflow.notification.render;

import io.orderflow.schema.Transition;
import java.util.Objects;

/** One rendered e-mail about one applied transition, ready to queue: both bodies and the stable Message-ID. */
public record Mail(String eventId, String orderId, Transition transition, String recipient, String subject,
                   String textBody, String htmlBody, String messageId) {
    public Mail {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(transition, "transition");
        Objects.requireNonNull(recipient, "recipient");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(textBody, "textBody");
        Objects.requireNonNull(htmlBody, "htmlBody");
        Objects.requireNonNull(messageId, "messageId");
    }
}
