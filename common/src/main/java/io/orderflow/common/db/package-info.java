/**
 * Database access for services that own a PostgreSQL schema: {@link io.orderflow.common.db.Database} opens a pool
 * on the schema and migrates it (the shared outbox and processed-messages tables from {@code db/common}, then the
 * service's own migrations); {@link io.orderflow.common.db.TransientErrors} says which failures a retry fixes.
 *
 * <pre>{@code
 * Database db = Database.open(config, Database.schemaName(config, "inventory"), "classpath:db/inventory");
 * }</pre>
 */
package io.orderflow.common.db;
