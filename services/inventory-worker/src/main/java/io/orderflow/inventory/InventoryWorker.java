package io.orderflow.inventory;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.db.Retention;
import io.orderflow.common.worker.EffectWorker;
import io.orderflow.schema.Effect;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inventory worker: schema {@code inventory} (or {@code ORDERFLOW_DB_SCHEMA}), consumer group
 * {@code inventory-worker} (or {@code ORDERFLOW_INVENTORY_GROUP}), outcomes to {@code inventory.events}, stock
 * seeded from {@link StockSeed#SETTING} when empty.
 */
public final class InventoryWorker {
    public static final String NAME = "inventory";
    public static final String MIGRATIONS = "classpath:db/inventory";
    public static final Set<Effect> EFFECTS =
            Set.of(Effect.RESERVE_STOCK, Effect.RELEASE_STOCK, Effect.DEDUCT_STOCK, Effect.RESTORE_STOCK);

    private static final Logger log = LoggerFactory.getLogger(InventoryWorker.class);

    private InventoryWorker() {}

    public static EffectWorker start(Config config, Clock clock) {
        Inventory inventory = new Inventory();
        List<Line> seed = StockSeed.parse(config.get(StockSeed.SETTING, StockSeed.DEFAULT));
        // Seeded before the consumer starts, so no request ever meets a stock table that is only empty for now.
        try (Database database = Database.open(config, Database.schemaName(config, NAME), MIGRATIONS)) {
            int added = database.jdbi().inTransaction(handle -> inventory.seedIfEmpty(handle, seed));
            if (added > 0) {
                log.info("stock was empty; seeded {} SKUs from {}", added, StockSeed.SETTING);
            }
        }
        return EffectWorker.start(config, NAME, EFFECTS, new InventoryRequests(inventory, clock),
                List.of(new Retention.Rule("answered_requests", "answered_at", "true")), MIGRATIONS);
    }
}
