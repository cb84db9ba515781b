package io.orderflow.common.testing;

import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throw-away schema in the real PostgreSQL (the one {@code ORDERFLOW_DB_*} points at, {@code infra/postgres.sh}),
 * so test classes never see each other's rows. Dropped on {@link #close()}; as a JUnit extension
 * ({@code @RegisterExtension static final TestDatabase DB = TestDatabase.create();}) after the class's tests.
 */
public final class TestDatabase implements AutoCloseable, AfterAllCallback {
    private final Config config;
    private final String schema;
    private final List<Database> opened = new ArrayList<>();

    private TestDatabase(Config base, String schema) {
        this.schema = schema;
        this.config = base.with(Database.SCHEMA_SETTING, schema);
    }

    public static TestDatabase create() {
        return create(Config.fromEnvironment());
    }

    public static TestDatabase create(Config base) {
        String schema = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        TestDatabase db = new TestDatabase(base, schema);
        db.checkReachable();
        return db;
    }

    public String schema() {
        return schema;
    }

    /** Settings for code under test: the base settings with {@link Database#SCHEMA_SETTING} set to this schema. */
    public Config config() {
        return config;
    }

    /** Opens (and migrates) this schema like a service would; closed with this fixture. */
    public synchronized Database open(String... extraMigrationLocations) {
        Database database = Database.open(config, schema, extraMigrationLocations);
        opened.add(database);
        return database;
    }

    /** A plain connection in this schema, for assertions and fault injection. */
    public Connection connect() throws SQLException {
        Connection connection = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
        connection.setSchema(schema);
        return connection;
    }

    @Override
    public synchronized void close() {
        opened.forEach(Database::close);
        opened.clear();
        try (Connection c = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
             Statement s = c.createStatement()) {
            // A forgotten open transaction must not hang the build.
            s.execute("set lock_timeout = '10s'");
            s.execute("drop schema if exists " + schema + " cascade");
        } catch (SQLException e) {
            System.err.println("could not drop test schema " + schema + ": " + e.getMessage());
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private void checkReachable() {
        try (Connection ignored = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword())) {
            // reachable
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is not reachable at " + config.dbUrl()
                    + " (start it with infra/postgres.sh start): " + e.getMessage(), e);
        }
    }
}
