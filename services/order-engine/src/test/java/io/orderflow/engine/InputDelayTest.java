package io.orderflow.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InputDelayTest {
    private static final Instant START = Instant.parse("2026-12-01T10:00:00Z");
    private final InputDelay delay = new InputDelay(START, Duration.ofSeconds(2));

    @Test
    void aWorkerNeverHeardCountsAsHeardWhenTheTaskStarted() {
        assertThat(delay.workerLastHeard(null, START.plusSeconds(90))).isEqualTo(START);
        assertThat(delay.workerLastHeard(START.minusSeconds(600), START.plusSeconds(90))).isEqualTo(START);
    }

    @Test
    void aCaughtUpTaskJudgesByWhatItHeard() {
        Instant heard = START.plusSeconds(10);
        Instant now = START.plusSeconds(100);
        delay.processed(now.minusMillis(30).toEpochMilli(), now.minusMillis(10)); // a fresh record, just processed
        assertThat(delay.workerLastHeard(heard, now)).isEqualTo(heard);
    }

    @Test
    void aTaskBehindItsInputsDoesNotKnowAnAnswerIsMissingAfterWhatItRead() {
        Instant heard = START.plusSeconds(10);
        Instant now = START.plusSeconds(100);
        delay.processed(now.minusSeconds(45).toEpochMilli(), now.minusMillis(100)); // 45 s behind, still working
        assertThat(delay.workerLastHeard(heard, now)).isEqualTo(now.minusSeconds(45));
    }

    @Test
    void anIdleTaskHasReadEverythingEvenIfItsLastRecordWasLate() {
        Instant heard = START.plusSeconds(10);
        Instant now = START.plusSeconds(100);
        delay.processed(now.minusSeconds(60).toEpochMilli(), now.minusSeconds(15)); // late, but nothing since
        assertThat(delay.workerLastHeard(heard, now)).isEqualTo(heard);
    }
}
