package io.orderflow.host;

import io.orderflow.common.app.Service;
import io.orderflow.common.app.ServiceHost;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import java.util.List;

/**
 * {@code orderflow run [SERVICE...]}: one JVM hosting the named services (all when none is named). Run it on one
 * machine for everything, or on several with a subset each; every service keeps its own consumer groups,
 * transactional ids and database schema, so instances of one service in different processes share its work.
 */
public final class OrderflowHost {
    private OrderflowHost() {}

    public static void main(String[] args) {
        List<String> names = List.of(args);
        if (names.contains("--help") || names.contains("-h")) {
            System.out.println(usage());
            return;
        }
        Config config = Config.fromEnvironment();
        List<Service> services;
        try {
            services = plan(names, config);
        } catch (IllegalArgumentException e) {
            System.err.println("orderflow run: " + e.getMessage());
            System.exit(2);
            return;
        }
        ServiceHost.run(services, config);
    }

    /** The services to start for {@code names}, refusing settings that would make hosted services collide. */
    static List<Service> plan(List<String> names, Config config) {
        List<Service> services = OrderflowServices.select(names);
        if (services.size() > 1 && config.find(Database.SCHEMA_SETTING).isPresent()) {
            throw new IllegalArgumentException(Database.SCHEMA_SETTING + " names one schema, but " + services.size()
                    + " services would share it; unset it, or run each service in a process of its own");
        }
        return services;
    }

    static String usage() {
        return "usage: orderflow run [SERVICE...]   (no SERVICE: all of them)\nservices, in start order: "
                + Service.describe(OrderflowServices.ALL);
    }
}
