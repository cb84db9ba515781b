package io.orderflow.notification.send;

import io.orderflow.notification.NotificationSettings;
import io.orderflow.notification.queue.QueuedMail;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.StreamProvider;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailStreamProvider;

/**
 * Turns a queued mail into a MIME message (multipart/alternative: plain text, then HTML; its own stable Message-ID)
 * and sends it over SMTP with the configured host, port, credentials and timeouts.
 */
public final class SmtpMailer {
    private static final String UTF_8 = StandardCharsets.UTF_8.name();

    static {
        // Jakarta Mail looks its StreamProvider up again for every message, multipart and body part it creates, with a
        // ServiceLoader scan of the whole class path unless this property names the class (jakartaee/mail-api#861):
        // that scan was a tenth of the host's CPU under load.
        if (System.getProperty(StreamProvider.class.getName()) == null) {
            System.setProperty(StreamProvider.class.getName(), MailStreamProvider.class.getName());
        }
    }

    private final NotificationSettings settings;
    private final Session session;
    private final InternetAddress from;

    public SmtpMailer(NotificationSettings settings) {
        this.settings = settings;
        this.session = Session.getInstance(properties(settings));
        try {
            this.from = new InternetAddress(settings.from(), settings.fromName(), UTF_8);
            this.from.validate();
        } catch (AddressException | UnsupportedEncodingException e) {
            throw new IllegalArgumentException("ORDERFLOW_MAIL_FROM='" + settings.from() + "' is not an e-mail address",
                    e);
        }
    }

    /** Opens one SMTP connection; several mails may go over it. */
    public Connection connect() throws MessagingException {
        Transport transport = session.getTransport("smtp");
        transport.connect(settings.smtpHost(), settings.smtpPort(), settings.smtpUser().orElse(null),
                settings.smtpPassword().orElse(null));
        return new Connection(transport);
    }

    /** The message as it goes on the wire. */
    public MimeMessage message(QueuedMail mail) throws MessagingException {
        MimeMessage message = new StableIdMessage(session, mail.messageId());
        message.setFrom(from);
        message.setRecipient(Message.RecipientType.TO, new InternetAddress(mail.recipient(), true));
        message.setSubject(mail.subject(), UTF_8);
        message.setSentDate(new Date());
        // RFC 3834: automatic mail; well-behaved auto-responders stay quiet.
        message.setHeader("Auto-Submitted", "auto-generated");
        message.setHeader("X-Orderflow-Event-Id", oneLine(mail.eventId()));
        message.setHeader("X-Orderflow-Order-Id", oneLine(mail.orderId()));

        MimeBodyPart text = new MimeBodyPart();
        text.setText(mail.textBody(), UTF_8, "plain");
        MimeBodyPart html = new MimeBodyPart();
        html.setText(mail.htmlBody(), UTF_8, "html");
        // Least preferred first: clients show the last part they can display.
        MimeMultipart alternative = new MimeMultipart("alternative");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        message.setContent(alternative);
        message.saveChanges();
        return message;
    }

    /**
     * True if sending {@code error}'s mail again cannot succeed: the address is malformed, or the server refused it
     * with a permanent (5xx) reply. Everything else (refused connection, timeout, 4xx) is worth retrying.
     */
    public static boolean isPermanent(Throwable error) {
        for (Throwable t = error; t != null; t = next(t)) {
            if (isPermanentReply(replyCode(t))) {
                return true;
            }
        }
        return false;
    }

    private static int replyCode(Throwable t) {
        if (t instanceof SMTPAddressFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof SMTPSenderFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof SMTPSendFailedException e) {
            return e.getReturnCode();
        }
        if (t instanceof AddressException) {
            return 553;  // the address could not even be parsed: as if the server had refused it
        }
        return 0;
    }

    private static boolean isPermanentReply(int code) {
        return code >= 500 && code < 600;
    }

    private static Throwable next(Throwable t) {
        if (t instanceof MessagingException m && m.getNextException() != null && m.getNextException() != t) {
            return m.getNextException();
        }
        return t.getCause() == t ? null : t.getCause();
    }

    private static String oneLine(String value) {
        return value.replaceAll("[\\r\\n]+", " ");
    }

    private static Properties properties(NotificationSettings settings) {
        Properties p = new Properties();
        String timeout = Long.toString(settings.smtpTimeout().toMillis());
        p.put("mail.smtp.host", settings.smtpHost());
        p.put("mail.smtp.port", Integer.toString(settings.smtpPort()));
        p.put("mail.smtp.connectiontimeout", timeout);
        p.put("mail.smtp.timeout", timeout);
        p.put("mail.smtp.writetimeout", timeout);
        p.put("mail.smtp.auth", Boolean.toString(settings.smtpUser().isPresent()));
        if (settings.startTls()) {
            p.put("mail.smtp.starttls.enable", "true");
            p.put("mail.smtp.starttls.required", "true");
        }
        return p;
    }

    /** One open SMTP connection. */
    public static final class Connection implements AutoCloseable {
        private final Transport transport;

        private Connection(Transport transport) {
            this.transport = transport;
        }

        public void send(MimeMessage message) throws MessagingException {
            transport.sendMessage(message, message.getAllRecipients());
        }

        public boolean isOpen() {
            return transport.isConnected();
        }

        @Override
        public void close() {
            try {
                transport.close();
            } catch (MessagingException e) {
                // QUIT failed: the connection is gone either way.
            }
        }
    }

    /** Keeps the Message-ID it was given: Jakarta Mail would otherwise invent a new one on every save. */
    private static final class StableIdMessage extends MimeMessage {
        private final String messageId;

        StableIdMessage(Session session, String messageId) {
            super(session);
            this.messageId = messageId;
        }

        @Override
        protected void updateMessageID() throws MessagingException {
            setHeader("Message-ID", messageId);
        }
    }
}
