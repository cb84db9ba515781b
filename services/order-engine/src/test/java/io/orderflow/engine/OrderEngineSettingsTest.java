package io.orderflow.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.common.config.Config;
import io.orderflow.domain.Rules;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrderEngineSettingsTest {

    @Test
    void choreographedByDefaultWithTimeoutsFromSettings() {
        Rules rules = OrderEngineMain.rules(Config.of(Map.of("ORDERFLOW_TIMEOUT_UNPAID", "2h",
                "ORDERFLOW_TIMEOUT_IN_FLIGHT", "45s")));

        assertThat(rules.outsideEffects()).isTrue();
        assertThat(rules.autoAdvance()).isTrue();
        assertThat(rules.timeouts().unpaid()).isEqualTo(Duration.ofHours(2));
        assertThat(rules.timeouts().inFlight()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void directModeAppliesTransitionsAtOnce() {
        Rules rules = OrderEngineMain.rules(Config.of(Map.of("ORDERFLOW_ENGINE_MODE", "direct")));

        assertThat(rules.outsideEffects()).isFalse();
        assertThat(rules.autoAdvance()).isFalse();
    }

    @Test
    void businessHoursComeFromTheSharedSettings() {
        Rules rules = OrderEngineMain.rules(Config.of(Map.of("ORDERFLOW_BUSINESS_HOURS", "MON-FRI 09:00-17:00",
                "ORDERFLOW_TIMEZONE", "Europe/Berlin", "ORDERFLOW_HOLIDAYS", "2026-12-25")));

        assertThat(rules.businessHours().isOpen(Instant.parse("2026-11-25T09:30:00Z"))).isTrue();
        assertThat(rules.businessHours().isOpen(Instant.parse("2026-12-25T09:30:00Z"))).isFalse();
    }

    @Test
    void anUnknownModeIsRefusedWithTheChoices() {
        assertThatThrownBy(() -> OrderEngineMain.rules(Config.of(Map.of("ORDERFLOW_ENGINE_MODE", "fast"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ORDERFLOW_ENGINE_MODE='fast' is not one of: choreographed, direct");
    }
}
