package io.orderflow.admin.projection;

import io.orderflow.admin.ReadModel;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;

/** {@code orderflow read-model-rebuild}: empties the admin's read model and replays it from the topics, then exits. */
public final class RebuildMain {
    private RebuildMain() {}

    public static void main(String[] args) {
        Config config = Config.fromEnvironment();
        try (Database database = ReadModel.open(config)) {
            Rebuild.Counts counts = Rebuild.run(config, database.jdbi());
            System.out.printf("read model rebuilt from %d order events and requests, %d command results, %d tracking "
                    + "updates, %d ledger entries%n", counts.events(), counts.results(), counts.tracking(),
                    counts.ledger());
        }
    }
}
