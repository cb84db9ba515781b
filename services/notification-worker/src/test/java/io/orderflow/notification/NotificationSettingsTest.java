package io.orderflow.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.common.config.Config;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationSettingsTest {
    @Test
    void withNoConfigurationItSendsToTheLocalMailSink() {
        NotificationSettings s = NotificationSettings.from(Config.of(Map.of()));

        assertThat(s.smtpHost()).isEqualTo("127.0.0.1");
        assertThat(s.smtpPort()).isEqualTo(3025);
        assertThat(s.smtpUser()).isEmpty();
        assertThat(s.smtpPassword()).isEmpty();
        assertThat(s.from()).isEqualTo("orders@orderflow.local");
        assertThat(s.trackingBaseUrl()).isEqualTo("http://127.0.0.1:8092/v1/tracking/");
        assertThat(s.consumerGroup()).isEqualTo("notification-worker");
        assertThat(s.maxAttempts()).isEqualTo(10);
        assertThat(s.senders()).isEqualTo(1);
    }

    @Test
    void everySettingComesFromTheEnvironment() {
        NotificationSettings s = NotificationSettings.from(Config.of(Map.ofEntries(
                Map.entry("ORDERFLOW_SMTP_HOST", "smtp.example.com"),
                Map.entry("ORDERFLOW_SMTP_PORT", "587"),
                Map.entry("ORDERFLOW_SMTP_USER", "mailer"),
                Map.entry("ORDERFLOW_SMTP_PASSWORD", "secret"),
                Map.entry("ORDERFLOW_SMTP_STARTTLS", "true"),
                Map.entry("ORDERFLOW_MAIL_FROM", "shop@example.com"),
                Map.entry("ORDERFLOW_TRACKING_BASE_URL", "https://carrier.example/track/"),
                Map.entry("ORDERFLOW_MAIL_MAX_ATTEMPTS", "4"),
                Map.entry("ORDERFLOW_MAIL_RETRY_MIN", "30s"),
                Map.entry("ORDERFLOW_MAIL_RETRY_MAX", "1h"))));

        assertThat(s.smtpHost()).isEqualTo("smtp.example.com");
        assertThat(s.smtpPort()).isEqualTo(587);
        assertThat(s.smtpUser()).contains("mailer");
        assertThat(s.smtpPassword()).contains("secret");
        assertThat(s.startTls()).isTrue();
        assertThat(s.from()).isEqualTo("shop@example.com");
        assertThat(s.trackingBaseUrl()).isEqualTo("https://carrier.example/track/");
        assertThat(s.maxAttempts()).isEqualTo(4);
        assertThat(s.firstRetry()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.maxRetry()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void settingsThatCannotWorkStopStartUp() {
        assertThatThrownBy(() -> NotificationSettings.from(Config.of(Map.of("ORDERFLOW_MAIL_MAX_ATTEMPTS", "0"))))
                .hasMessageContaining("ORDERFLOW_MAIL_MAX_ATTEMPTS");
        assertThatThrownBy(() -> NotificationSettings.from(Config.of(Map.of("ORDERFLOW_MAIL_LEASE", "30s"))))
                .hasMessageContaining("ORDERFLOW_MAIL_LEASE");
        assertThatThrownBy(() -> NotificationSettings.from(Config.of(Map.of("ORDERFLOW_MAIL_RETRY_MIN", "2h"))))
                .hasMessageContaining("ORDERFLOW_MAIL_RETRY_MIN");
    }
}
