package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LineTest {
    @Test
    void mergeAddsUpRepeatedSkusAndSortsBySku() {
        assertThat(Line.merge(List.of(new Line("B", 1), new Line("A", 2), new Line("B", 3))))
                .containsExactly(new Line("A", 2), new Line("B", 4));
    }

    @Test
    void mergeRefusesQuantitiesThatCannotBeReserved() {
        assertThatThrownBy(() -> Line.merge(List.of(new Line("A", -1)))).hasMessageContaining("invalid quantity -1");
        assertThatThrownBy(() -> Line.merge(List.of(new Line(" ", 1)))).hasMessageContaining("no SKU");
        assertThatThrownBy(() -> Line.merge(List.of(new Line("A", Integer.MAX_VALUE), new Line("A", 1))))
                .hasMessageContaining("more than can be stocked");
    }
}
