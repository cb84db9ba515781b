package io.orderflow.inventory;

import io.orderflow.common.app.Service;
import io.orderflow.common.app.ServiceHost;
import io.orderflow.common.config.Config;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/** The inventory worker alone in a process of its own, as `orderflow run inventory` runs it, for tests that kill it. */
final class WorkerProcessMain {
    private WorkerProcessMain() {}

    public static void main(String[] args) {
        ServiceHost.run(List.of(new Service("inventory-worker", Set.of(), true,
                config -> InventoryWorker.start(config, Clock.systemUTC()))), Config.fromEnvironment());
    }
}
