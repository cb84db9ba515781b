package io.orderflow.common.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void theWaitDoublesAfterEachFailureUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(5));

        assertThat(backoff.after(0)).isZero();
        assertThat(backoff.after(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.after(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(backoff.after(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(backoff.after(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(backoff.after(6)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.after(1_000_000)).isEqualTo(Duration.ofMinutes(5));
    }
}
