package io.orderflow.admin.reports;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.domain.TransitionTable;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The diagram is drawn from the transition table: one arrow per (from state, transition), the open ones marked. */
class StateDiagramTest {
    @Test
    void everyRowOfTheTableIsAnArrowAndEveryStateABox() {
        String svg = StateDiagram.svg(null, Set.of());
        long arrows = TransitionTable.rules().stream().mapToLong(r -> r.from().size()).sum();
        assertThat(Pattern.compile("<path class=\"edge").matcher(svg).results().count()).isEqualTo(arrows);
        for (OrderState s : OrderState.values()) {
            assertThat(svg).contains(">" + s.name().toLowerCase(Locale.ROOT) + "</text>");
        }
        for (Transition t : Transition.values()) {
            if (t != Transition.PLACE) {
                assertThat(svg).contains(">" + t.name().toLowerCase(Locale.ROOT) + "</text>");
            }
        }
    }

    @Test
    void theCurrentStateAndOpenTransitionsAreMarked() {
        String svg = StateDiagram.svg(OrderState.PAID, Set.of(Transition.SHIP, Transition.REFUND));
        assertThat(svg).contains("class=\"state current\"");
        // refund leaves paid, shipped and delivered; only the arrow from paid (the current state) is open.
        assertThat(Pattern.compile("class=\"edge open\"").matcher(svg).results().count()).isEqualTo(2);
    }

    @Test
    void chartLabelsAreEscaped() {
        assertThat(Svg.bars("<b>", Map.of("<script>", 1L))).doesNotContain("<script>").contains("&lt;script&gt;");
    }
}
