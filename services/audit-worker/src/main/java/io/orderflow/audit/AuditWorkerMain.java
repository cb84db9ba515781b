package io.orderflow.audit;

import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;
import java.time.Clock;

/**
 * Starts the audit worker: {@code ORDERFLOW_FINANCE_REFUND_SLA} (default 24h), {@code
 * ORDERFLOW_FINANCE_SLA_CHECK_INTERVAL} (30s), {@code ORDERFLOW_AUDIT_GROUP} (audit-worker).
 */
public final class AuditWorkerMain {
    private AuditWorkerMain() {}

    public static void main(String[] args) {
        Service.run("audit-worker", () -> AuditWorker.start(Config.fromEnvironment(), Clock.systemUTC(),
                Metrics.globalRegistry, AuditTopics.standard()));
    }
}
