package io.orderflow.admin;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;

/** The admin's own PostgreSQL schema ({@code admin}): the projected read model, staff, sessions, tokens, bulk jobs. */
public final class ReadModel {
    public static final String SCHEMA = "admin";
    public static final String MIGRATIONS = "classpath:db/admin";

    private ReadModel() {}

    public static Database open(Config config) {
        return Database.open(config, Database.schemaName(config, SCHEMA), MIGRATIONS);
    }
}
