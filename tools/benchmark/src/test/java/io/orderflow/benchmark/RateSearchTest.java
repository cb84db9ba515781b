package io.orderflow.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class RateSearchTest {
    /** Runs a search against a system that sustains up to {@code capacity}; returns the rates tried. */
    private static List<Double> search(RateSearch search, double capacity) {
        List<Double> tried = new ArrayList<>();
        for (OptionalDouble r = search.next(); r.isPresent(); r = search.next()) {
            tried.add(r.getAsDouble());
            search.record(r.getAsDouble(), r.getAsDouble() <= capacity);
        }
        return tried;
    }

    @Test
    void doublesUntilAStepFailsThenBisects() {
        RateSearch s = new RateSearch(10, 2, 2, 1, 5_000);
        assertThat(search(s, 37)).containsExactly(10.0, 20.0, 40.0, 30.0, 35.0);
        assertThat(s.best()).isEqualTo(35);
    }

    @Test
    void stepsDownWhenEvenTheFirstRateIsTooMuch() {
        RateSearch s = new RateSearch(10, 2, 1, 1, 5_000);
        assertThat(search(s, 3)).containsExactly(10.0, 5.0, 2.5, 3.8);
        assertThat(s.best()).isEqualTo(2.5);
    }

    @Test
    void givesUpBelowTheMinimumAndStopsAtTheMaximum() {
        RateSearch none = new RateSearch(4, 2, 2, 1, 100);
        search(none, 0.1);
        assertThat(none.best()).isZero();

        RateSearch capped = new RateSearch(40, 2, 2, 1, 100);
        assertThat(search(capped, 1_000)).containsExactly(40.0, 80.0, 100.0);
        assertThat(capped.best()).isEqualTo(100);
    }

    @Test
    void aStepIsSustainedOnlyAtPaceWithoutAGrowingBacklogAndWithoutRefusalsOrRollbacks() {
        // 100 orders/s = 500 transitions/s offered, judged over 20 s (2,000 orders offered in the window).
        assertThat(RateSearch.sustained(100, 460, 20, 0, 0, 0)).isTrue();
        assertThat(RateSearch.sustained(100, 440, 20, 0, 0, 0)).isFalse();
        assertThat(RateSearch.sustained(100, 500, 20, 0, 1, 0)).isFalse();
        assertThat(RateSearch.sustained(100, 500, 20, 0, 0, 3)).isFalse();
    }

    @Test
    void aLongPipelineIsNotABacklogButAPileUpIs() {
        // Many orders in flight at a steady level (each takes seconds to delivered): sustained.
        assertThat(RateSearch.sustained(100, 500, 20, 150, 0, 0)).isTrue();
        assertThat(RateSearch.sustained(100, 500, 20, -40, 0, 0)).isTrue();
        // Keeping pace on average while 250 more orders wait at the end than at the start (12 % of those offered):
        // the system is falling behind.
        assertThat(RateSearch.sustained(100, 480, 20, 250, 0, 0)).isFalse();
    }

    @Test
    void refusesNonsense() {
        assertThatThrownBy(() -> new RateSearch(10, 1, 2, 1, 100)).isInstanceOf(IllegalArgumentException.class);
    }
}
