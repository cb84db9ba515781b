package io.orderflow.common.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.orderflow.common.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's PostgreSQL schema: a connection pool whose connections work in that schema, migrated by Flyway
 * (the shared outbox and processed-messages tables, then the service's own migrations), and a {@link Jdbi} over it.
 */
public final class Database implements AutoCloseable {
    /** Setting that overrides a service's schema name, so tests (and side-by-side deployments) can point it elsewhere. */
    public static final String SCHEMA_SETTING = "ORDERFLOW_DB_SCHEMA";
    /** The migrations every service's schema gets (outbox, processed messages). */
    public static final String COMMON_MIGRATIONS = "classpath:db/common";
    /**
     * The common migrations keep their own history table, so their versions and the service's never collide and
     * either side can add a migration without renumbering the other.
     */
    public static final String COMMON_HISTORY_TABLE = "orderflow_common_history";

    private static final Logger log = LoggerFactory.getLogger(Database.class);
    // Lower-case, unquoted identifiers only: no quoting rules to get wrong in SQL, Flyway or search_path.
    private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private final Config config;
    private final String schema;
    private final HikariDataSource pool;
    private final Jdbi jdbi;

    private Database(Config config, String schema, HikariDataSource pool) {
        this.config = config;
        this.schema = schema;
        this.pool = pool;
        this.jdbi = Jdbi.create(pool).installPlugin(new SqlObjectPlugin()).installPlugin(new PostgresPlugin());
    }

    /**
     * Opens a pool on {@code schema} (created if missing) and migrates it: {@link #COMMON_MIGRATIONS} first, then
     * {@code extraMigrationLocations} (e.g. {@code "classpath:db/inventory"}, versions starting at 1). Safe to call
     * from several processes at once, for the same or for different schemas of one database.
     */
    public static Database open(Config config, String schema, String... extraMigrationLocations) {
        if (!SCHEMA_NAME.matcher(schema).matches()) {
            throw new IllegalArgumentException("schema '" + schema + "' must be a lower-case identifier ([a-z_][a-z0-9_]*, "
                    + "at most 63 characters)");
        }
        HikariDataSource pool = new HikariDataSource(poolConfig(config, schema));
        try {
            createSchema(pool, schema);
            migrate(pool, schema, extraMigrationLocations);
            return new Database(config, schema, pool);
        } catch (RuntimeException | SQLException e) {
            pool.close();
            throw e instanceof RuntimeException r ? r
                    : new IllegalStateException("cannot prepare schema " + schema + ": " + e.getMessage(), e);
        }
    }

    /** The schema a service uses: {@link #SCHEMA_SETTING} if set, else the service's own name for it. */
    public static String schemaName(Config config, String defaultSchema) {
        return config.get(SCHEMA_SETTING, defaultSchema);
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public String schema() {
        return schema;
    }

    public DataSource dataSource() {
        return pool;
    }

    /**
     * A connection outside the pool, in this schema, for a session that must live on its own: LISTEN and
     * session-level advisory locks. The caller closes it.
     */
    public Connection openDedicatedConnection(String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", config.dbUser());
        props.setProperty("password", config.dbPassword());
        props.setProperty("ApplicationName", applicationName);
        // Keep-alives let the server notice (and free the advisory lock of) a session whose process has vanished.
        props.setProperty("tcpKeepAlive", "true");
        Connection connection = DriverManager.getConnection(config.dbUrl(), props);
        try {
            connection.setSchema(schema);
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    @Override
    public void close() {
        pool.close();
    }

    private static HikariConfig poolConfig(Config config, String schema) {
        HikariConfig hikari = new HikariConfig();
        hikari.setJdbcUrl(config.dbUrl());
        hikari.setUsername(config.dbUser());
        hikari.setPassword(config.dbPassword());
        hikari.setSchema(schema);
        hikari.setPoolName("db-" + schema);
        hikari.setMaximumPoolSize(config.getInt("ORDERFLOW_DB_POOL_SIZE", 10));
        hikari.setConnectionTimeout(config.getDuration("ORDERFLOW_DB_CONNECTION_TIMEOUT", java.time.Duration.ofSeconds(10))
                .toMillis());
        hikari.addDataSourceProperty("ApplicationName", "orderflow-" + schema);
        hikari.addDataSourceProperty("tcpKeepAlive", "true");
        return hikari;
    }

    private static void createSchema(DataSource pool, String schema) throws SQLException {
        // Done here rather than by Flyway: two instances of one service starting together would both try to create it.
        try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            try {
                s.execute("create schema if not exists " + schema);
            } catch (SQLException e) {
                // IF NOT EXISTS still races in the catalog; the loser sees unique_violation and the schema exists.
                if (!"23505".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
    }

    private static void migrate(DataSource pool, String schema, String... extraMigrationLocations) {
        // Flyway's history table lives in the migrated schema and it locks per history table, so services migrating
        // different schemas of one database never wait on each other.
        var common = Flyway.configure()
                .dataSource(pool)
                .schemas(schema)
                .createSchemas(false)
                .table(COMMON_HISTORY_TABLE)
                .locations(COMMON_MIGRATIONS)
                .load()
                .migrate();
        log.info("schema {}: {} common migrations applied", schema, common.migrationsExecuted);
        if (extraMigrationLocations.length == 0) {
            return;
        }
        var own = Flyway.configure()
                .dataSource(pool)
                .schemas(schema)
                .createSchemas(false)
                .locations(extraMigrationLocations)
                // The schema already holds the common tables; without a baseline Flyway refuses a non-empty schema.
                // Baseline 0 keeps every service migration (V1 and up) applicable.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .load()
                .migrate();
        log.info("schema {}: {} service migrations applied", schema, own.migrationsExecuted);
    }
}
