package io.orderflow.inventory;

import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;
import java.time.Clock;

/** Starts the inventory worker; settings in {@link InventoryWorker} and {@link StockSeed}. */
public final class InventoryWorkerMain {
    private InventoryWorkerMain() {}

    public static void main(String[] args) {
        Service.run("inventory-worker", () -> InventoryWorker.start(Config.fromEnvironment(), Clock.systemUTC()));
    }
}
