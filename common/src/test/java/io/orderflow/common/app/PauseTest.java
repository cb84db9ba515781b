package io.orderflow.common.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PauseTest {
    @Test
    void aStopRequestCutsTheSleepShort() {
        long start = System.nanoTime();

        boolean completed = Pause.sleep(Duration.ofMinutes(1), Duration.ofMillis(10), () -> true);

        assertThat(completed).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void anInterruptEndsTheSleepAndStaysSet() {
        Thread.currentThread().interrupt();
        try {
            boolean completed = Pause.sleep(Duration.ofMinutes(1), Duration.ofMillis(10), () -> false);

            assertThat(completed).isFalse();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
