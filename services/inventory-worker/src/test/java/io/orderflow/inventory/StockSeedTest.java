package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StockSeedTest {
    @Test
    void parsesSkusAndQuantities() {
        assertThat(StockSeed.parse("SKU-1:100, SKU-2:50,"))
                .containsExactly(new Line("SKU-1", 100), new Line("SKU-2", 50));
    }

    @Test
    void theDefaultIsThreeHundredSkusOfAMillionEach() {
        var seed = StockSeed.parse(StockSeed.DEFAULT);
        assertThat(seed).hasSize(300);
        assertThat(seed.get(0)).isEqualTo(new Line("SKU-1", 1_000_000));
        assertThat(seed.get(299)).isEqualTo(new Line("SKU-300", 1_000_000));
    }

    @Test
    void expandsARangeAnywhereInTheSku() {
        assertThat(StockSeed.parse("A{8..10}-X:5, B:1")).containsExactly(
                new Line("A8-X", 5), new Line("A9-X", 5), new Line("A10-X", 5), new Line("B", 1));
    }

    @Test
    void noneSeedsNothing() {
        assertThat(StockSeed.parse("none")).isEmpty();
        assertThat(StockSeed.parse(" ")).isEmpty();
    }

    @Test
    void refusesWhatItCannotRead() {
        assertThatThrownBy(() -> StockSeed.parse("SKU-1=100")).hasMessageContaining("is not SKU:QUANTITY");
        assertThatThrownBy(() -> StockSeed.parse("SKU-1:lots")).hasMessageContaining("no whole-number quantity");
        assertThatThrownBy(() -> StockSeed.parse("SKU-1:-1")).hasMessageContaining("negative");
        assertThatThrownBy(() -> StockSeed.parse("SKU-{5..1}:1")).hasMessageContaining("must count up");
        assertThatThrownBy(() -> StockSeed.parse("SKU-{1}:1")).hasMessageContaining("is not a SKU");
    }
}
