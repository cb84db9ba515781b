package io.orderflow.host;

import io.micrometer.core.instrument.Metrics;
import io.orderflow.audit.AuditTopics;
import io.orderflow.audit.AuditWorker;
import io.orderflow.common.app.Service;
import io.orderflow.engine.OrderEngineMain;
import io.orderflow.inventory.InventoryWorker;
import io.orderflow.notification.NotificationWorker;
import io.orderflow.payment.PaymentWorker;
import io.orderflow.shipping.ShippingWorker;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Every service {@code orderflow run} can host, in the order they start (and stop in reverse): the workers first, so
 * they are there when the engine, last, starts asking them for effects. Hosting a new service is one line here.
 */
public final class OrderflowServices {
    public static final List<Service> ALL = List.of(
            new Service("inventory-worker", Set.of("inventory"), true,
                    config -> InventoryWorker.start(config, Clock.systemUTC())),
            new Service("payment-worker", Set.of("payment"), true, PaymentWorker::start),
            new Service("shipping-worker", Set.of("shipping"), true, ShippingWorker::start),
            new Service("notification-worker", Set.of("notification"), true, NotificationWorker::start),
            new Service("audit-worker", Set.of("audit"), true, config -> AuditWorker.start(config, Clock.systemUTC(),
                    Metrics.globalRegistry, AuditTopics.standard())),
            new Service("order-engine", Set.of("engine"), false, OrderEngineMain::start));

    private OrderflowServices() {}

    /** The services {@code names} ask for (full names or aliases), in start order; all of them when none is named. */
    public static List<Service> select(List<String> names) {
        return Service.select(ALL, names);
    }
}
