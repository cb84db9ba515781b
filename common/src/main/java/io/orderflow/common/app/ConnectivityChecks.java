package io.orderflow.common.app;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Whether this process reaches its Kafka broker and its database now, for readiness; each check takes ≤ 3 s. */
final class ConnectivityChecks implements AutoCloseable {
    private static final int TIMEOUT_SECONDS = 3;

    private final Config config;
    private Admin admin;

    ConnectivityChecks(Config config) {
        this.config = config;
    }

    synchronized Optional<String> kafka() {
        try {
            if (admin == null) {
                Properties props = new KafkaConfig(config).admin("orderflow-health");
                props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
                props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
                admin = Admin.create(props);
            }
            admin.describeCluster().clusterId().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return Optional.empty();
        } catch (Exception e) {
            return Optional.of("broker at " + config.kafkaBootstrap() + " not reachable: " + message(e));
        }
    }

    Optional<String> database() {
        Properties props = new Properties();
        props.put("user", config.dbUser());
        props.put("password", config.dbPassword());
        props.put("connectTimeout", String.valueOf(TIMEOUT_SECONDS));
        props.put("socketTimeout", String.valueOf(TIMEOUT_SECONDS));
        try (Connection c = DriverManager.getConnection(config.dbUrl(), props)) {
            return c.isValid(TIMEOUT_SECONDS) ? Optional.empty() : Optional.of("database connection not valid");
        } catch (Exception e) {
            return Optional.of("database at " + config.dbUrl() + " not reachable: " + message(e));
        }
    }

    private static String message(Exception e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
        }
    }
}
