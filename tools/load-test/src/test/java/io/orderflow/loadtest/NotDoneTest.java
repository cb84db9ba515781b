package io.orderflow.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotDoneTest {
    @Test
    void reasonsThatDifferOnlyInTimesIdsAndNumbersAreOneLineWithACountAndExamples() {
        Map<String, String> reasons = new LinkedHashMap<>();
        for (int i = 0; i < 483; i++) {
            reasons.put("load-1-" + i, "confirmed / ROLLED_BACK: pay of order load-1-" + i + " timed out after 60 s"
                    + " (in flight since 2026-11-25T10:00:" + String.format("%02d", i % 60) + "Z)");
        }
        reasons.put("load-1-900", "no event");
        reasons.put("load-1-901", "pending / HELD: short of SKU-12 x3");

        List<NotDone.Group> groups = NotDone.group(reasons);

        assertThat(groups).hasSize(3);
        assertThat(groups.get(0).count()).isEqualTo(483);
        assertThat(groups.get(0).reason())
                .isEqualTo("confirmed / ROLLED_BACK: pay of order <order> timed out after N s (in flight since <time>)");
        assertThat(groups.get(0).examples()).containsExactly("load-1-0", "load-1-1", "load-1-2");
        assertThat(NotDone.lines(reasons)).hasSize(3).last().asString().startsWith("not done: 1 x ");
    }

    @Test
    void nothingNotDonePrintsNothing() {
        assertThat(NotDone.lines(Map.of())).isEmpty();
    }
}
