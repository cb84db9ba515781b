package io.orderflow.admin.testing;

import io.orderflow.admin.AdminWeb;
import io.orderflow.admin.ReadModel;
import io.orderflow.admin.auth.ApiTokens;
import io.orderflow.admin.auth.Users;
import io.orderflow.admin.projection.Projector;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.common.testing.TestDatabase;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.engine.EngineTopology;
import io.orderflow.schema.Role;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The admin as it runs, for tests: the real engine (direct mode, so every transition applies at once), the projector
 * and the web app, on the real broker and a throw-away schema; the web app on a free port. Closed after the class.
 */
public final class AdminSystem implements AutoCloseable, AfterAllCallback {
    public static final String ADMIN_PASSWORD = "admin-password-for-tests";

    private final TestDatabase db;
    private final StreamsRunner engine;
    private final Projector projector;
    private final AdminWeb web;
    private final Database database;

    private AdminSystem(TestDatabase db, StreamsRunner engine, Projector projector, AdminWeb web, Database database) {
        this.db = db;
        this.engine = engine;
        this.projector = projector;
        this.web = web;
        this.database = database;
    }

    public static AdminSystem start() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        TestDatabase db = TestDatabase.create();
        try {
            Config config = db.config()
                    .with("ORDERFLOW_ADMIN_PORT", "0")
                    .with("ORDERFLOW_ADMIN_PASSWORD", ADMIN_PASSWORD)
                    .with("ORDERFLOW_ADMIN_RESULT_WAIT", "15s")
                    .with(Projector.GROUP_SETTING, "admin-test-" + run)
                    .with("ORDERFLOW_STATE_DIR", Files.createTempDirectory("admin-engine").toString());
            Properties props = new KafkaConfig(config).streams("admin-engine-" + run);
            // Earlier runs left commands on the shared topics; this engine only needs the ones this test sends.
            props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
            StreamsRunner engine = StreamsRunner.start(EngineTopology.build(new OrderMachine(BusinessHours.ALWAYS)),
                    props, Duration.ofSeconds(60));
            Projector projector = Projector.start(config, Clock.systemUTC());
            AdminWeb web = AdminWeb.start(config, Clock.systemUTC());
            return new AdminSystem(db, engine, projector, web, ReadModel.open(config));
        } catch (Exception e) {
            db.close();
            throw new IllegalStateException("could not start the admin system: " + e.getMessage(), e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + web.port() + path;
    }

    public Jdbi jdbi() {
        return database.jdbi();
    }

    public Users users() {
        return new Users(database.jdbi(), Clock.systemUTC());
    }

    /** A staff user with this role, and an API token acting as them. */
    public String userWithToken(String username, Role role) {
        users().create(username, ADMIN_PASSWORD, role);
        return new ApiTokens(database.jdbi(), users(), Clock.systemUTC()).issue("tests", username).token();
    }

    public ApiTokens tokens() {
        return new ApiTokens(database.jdbi(), users(), Clock.systemUTC());
    }

    @Override
    public void close() {
        web.close();
        projector.close();
        engine.close();
        database.close();
        db.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
