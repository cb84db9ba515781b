package io.orderflow.admin;

import io.orderflow.admin.auth.ApiTokens;
import io.orderflow.admin.auth.Secrets;
import io.orderflow.admin.auth.Sessions;
import io.orderflow.admin.auth.Users;
import io.orderflow.admin.bulk.BulkJobs;
import io.orderflow.admin.orders.Availability;
import io.orderflow.admin.orders.CommandGateway;
import io.orderflow.admin.orders.OrderQueries;
import io.orderflow.admin.reports.Reports;
import io.orderflow.admin.web.WebServer;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.domain.BusinessHours;
import io.orderflow.schema.Role;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin web app: pages for staff and a JSON API for upstream systems, over the read model the {@code projector}
 * keeps. Settings: {@code ORDERFLOW_ADMIN_PORT} (8080), {@code ORDERFLOW_ADMIN_HOST} (127.0.0.1),
 * {@code ORDERFLOW_ADMIN_PASSWORD} (the first admin's password; generated and printed once when unset),
 * {@code ORDERFLOW_ADMIN_RESULT_WAIT} (how long a click waits for the engine's answer before the page says "still
 * processing", 10s), {@code ORDERFLOW_ADMIN_SECURE_COOKIES} (true behind HTTPS), and the engine's business-hours
 * settings, so the buttons agree with the engine.
 */
public final class AdminWeb implements AutoCloseable {
    public static final String BOOTSTRAP_USER = "admin";
    private static final Logger log = LoggerFactory.getLogger(AdminWeb.class);

    private final Database database;
    private final CommandGateway gateway;
    private final BulkJobs bulk;
    private final WebServer server;

    private AdminWeb(Database database, CommandGateway gateway, BulkJobs bulk, WebServer server) {
        this.database = database;
        this.gateway = gateway;
        this.bulk = bulk;
        this.server = server;
    }

    /** Everything the pages and the API use, built once. */
    public record Parts(Config config, Clock clock, Users users, Sessions sessions, ApiTokens tokens,
                        OrderQueries orders, Availability availability, CommandGateway gateway, BulkJobs bulk,
                        Reports reports, Duration resultWait, boolean secureCookies) {}

    public static AdminWeb start(Config config, Clock clock) {
        Database database = ReadModel.open(config);
        CommandGateway gateway = null;
        BulkJobs bulk = null;
        try {
            Users users = new Users(database.jdbi(), clock);
            bootstrap(config, users);
            gateway = new CommandGateway(config, database.jdbi(), clock);
            bulk = new BulkJobs(database.jdbi(), gateway, clock);
            BusinessHours hours = BusinessHours.fromSettings(config.get("ORDERFLOW_BUSINESS_HOURS", "always"),
                    config.get("ORDERFLOW_TIMEZONE", "UTC"), config.get("ORDERFLOW_HOLIDAYS", ""));
            Parts parts = new Parts(config, clock, users, new Sessions(database.jdbi(), users, clock),
                    new ApiTokens(database.jdbi(), users, clock), new OrderQueries(database.jdbi()),
                    new Availability(hours, clock), gateway, bulk, new Reports(database.jdbi(), clock),
                    config.getDuration("ORDERFLOW_ADMIN_RESULT_WAIT", Duration.ofSeconds(10)),
                    Boolean.parseBoolean(config.get("ORDERFLOW_ADMIN_SECURE_COOKIES", "false")));
            WebServer server = WebServer.start(parts, config.get("ORDERFLOW_ADMIN_HOST", "127.0.0.1"),
                    config.getInt("ORDERFLOW_ADMIN_PORT", 8080));
            log.info("admin web at http://{}:{}/", config.get("ORDERFLOW_ADMIN_HOST", "127.0.0.1"), server.port());
            return new AdminWeb(database, gateway, bulk, server);
        } catch (RuntimeException e) {
            if (bulk != null) {
                bulk.close();
            }
            if (gateway != null) {
                gateway.close();
            }
            database.close();
            throw e;
        }
    }

    /** The first start creates the admin user: the password from the environment, or a generated one printed once. */
    static void bootstrap(Config config, Users users) {
        if (users.any()) {
            return;
        }
        String password = config.find("ORDERFLOW_ADMIN_PASSWORD").orElse(null);
        boolean generated = password == null;
        if (generated) {
            password = Secrets.random().substring(0, 20);
        }
        users.create(BOOTSTRAP_USER, password, Role.ADMIN);
        String how = generated ? "password " + password + " (generated; shown only now, change it on the Users page)"
                : "the password in ORDERFLOW_ADMIN_PASSWORD";
        log.warn("created the first admin user: log in as '{}' with {}", BOOTSTRAP_USER, how);
        System.out.println("orderflow admin: log in as '" + BOOTSTRAP_USER + "' with " + how);
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
        bulk.close();
        gateway.close();
        database.close();
    }
}
