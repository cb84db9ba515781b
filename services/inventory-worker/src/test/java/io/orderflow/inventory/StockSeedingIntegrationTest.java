package io.orderflow.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.testing.TestDatabase;
import io.orderflow.common.testing.TestKafka;
import io.orderflow.common.worker.EffectWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worker seeds an empty stock table from its settings at start, and never touches stock that is there. */
class StockSeedingIntegrationTest {
    @RegisterExtension
    static final TestKafka kafka = TestKafka.create();
    @RegisterExtension
    static final TestDatabase schema = TestDatabase.create();

    private static Testbed bed;

    @AfterAll
    static void stop() {
        if (bed != null) {
            bed.close();
        }
    }

    @Test
    void anEmptyStockTableIsSeededOnceAndAfterwardsLeftAlone() {
        bed = new Testbed(kafka, schema);
        EffectWorker first = bed.startWorker(bed.workerConfig().with(StockSeed.SETTING, "SKU-1:100,SKU-{2..4}:50"));
        assertThat(bed.count("select count(*) from stock")).isEqualTo(4);
        assertThat(bed.level("SKU-3")).isEqualTo(new StockLevel("SKU-3", 50, 0));
        first.close();

        bed.setOnHand("SKU-1", 7);
        bed.startWorker(bed.workerConfig().with(StockSeed.SETTING, "SKU-1:100,SKU-9:1"));

        assertThat(bed.level("SKU-1")).isEqualTo(new StockLevel("SKU-1", 7, 0));
        assertThat(bed.count("select count(*) from stock")).isEqualTo(4);
    }
}
