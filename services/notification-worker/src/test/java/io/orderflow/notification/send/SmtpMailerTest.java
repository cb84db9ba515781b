package io.orderflow.notification.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.config.Config;
import io.orderflow.notification.NotificationSettings;
import io.orderflow.notification.queue.MailStatus;
import io.orderflow.notification.queue.QueuedMail;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Enumeration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SmtpMailerTest {
    private static final String STREAM_PROVIDER_SERVICE = "META-INF/services/jakarta.mail.util.StreamProvider";

    @Test
    void aMessageIsBuiltAndWrittenWithoutScanningTheClassPathForJakartaMailsStreamProvider() throws Exception {
        SmtpMailer mailer = new SmtpMailer(NotificationSettings.from(Config.of(Map.of())));
        QueuedMail mail = new QueuedMail(1, "o-1-v2", "o-1", "CONFIRM", "ann@example.com", "Order o-1 confirmed",
                "Your order is confirmed.", "<p>Your order is confirmed.</p>", "<o-1-v2@orderflow.local>",
                MailStatus.QUEUED, 0, Instant.EPOCH, null, null, Instant.EPOCH, null);
        CountingLoader loader = new CountingLoader(getClass().getClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        thread.setContextClassLoader(loader);
        try {
            MimeMessage message = mailer.message(mail);
            message.writeTo(wire);
        } finally {
            thread.setContextClassLoader(previous);
        }

        assertThat(wire.toString(StandardCharsets.UTF_8))
                .contains("Message-ID: <o-1-v2@orderflow.local>", "Your order is confirmed.",
                        "<p>Your order is confirmed.</p>", "multipart/alternative");
        assertThat(loader.serviceLookups).as("ServiceLoader lookups of the StreamProvider").hasValue(0);
    }

    /** Counts the ServiceLoader's look-ups of Jakarta Mail's StreamProvider through this loader. */
    private static final class CountingLoader extends ClassLoader {
        final AtomicInteger serviceLookups = new AtomicInteger();

        CountingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            if (name.equals(STREAM_PROVIDER_SERVICE)) {
                serviceLookups.incrementAndGet();
            }
            return super.getResources(name);
        }
    }
}
