package io.orderflow.audit;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderflow.audit.finance.FinanceLedger;
import io.orderflow.audit.finance.RefundSlaMonitor;
import io.orderflow.common.app.Readiness;
import io.orderflow.common.config.Config;
import io.orderflow.common.consumer.IdempotentConsumer;
import io.orderflow.common.db.Database;
import io.orderflow.common.outbox.OutboxRelay;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OrderEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running audit worker: its schema {@code audit} (migrated on start), one idempotent consumer of orders.events
 * and the request topics, one of the three outcome topics (their value types differ), the outbox relay that publishes ledger entries to
 * finance.ledger, and the scheduled refund SLA check. Any number may run; they share the work by consumer group.
 */
public final class AuditWorker implements AutoCloseable, Readiness {
    public static final String SCHEMA = "audit";
    public static final String MIGRATIONS = "classpath:db/audit";
    /** Consumer groups are {@code <group>-events} and {@code <group>-outcomes}. */
    public static final String GROUP_SETTING = "ORDERFLOW_AUDIT_GROUP";
    public static final String REFUND_SLA_SETTING = "ORDERFLOW_FINANCE_REFUND_SLA";
    public static final String SLA_CHECK_INTERVAL_SETTING = "ORDERFLOW_FINANCE_SLA_CHECK_INTERVAL";
    public static final Duration DEFAULT_REFUND_SLA = Duration.ofHours(24);

    private static final Logger log = LoggerFactory.getLogger(AuditWorker.class);

    private final Database database;
    private final OutboxRelay relay;
    private final IdempotentConsumer<OrderEvent> events;
    private final IdempotentConsumer<EffectOutcome> outcomes;
    private final RefundSlaMonitor refundSla;

    private AuditWorker(Database database, OutboxRelay relay, IdempotentConsumer<OrderEvent> events,
                        IdempotentConsumer<EffectOutcome> outcomes, RefundSlaMonitor refundSla) {
        this.database = database;
        this.relay = relay;
        this.events = events;
        this.outcomes = outcomes;
        this.refundSla = refundSla;
    }

    public static AuditWorker start(Config config, Clock clock, MeterRegistry registry, AuditTopics topics) {
        Database database = Database.open(config, Database.schemaName(config, SCHEMA), MIGRATIONS);
        List<AutoCloseable> started = new ArrayList<>();
        try {
            String ledgerTopic = topics.financeLedger().name();
            OutboxRelay relay = started(started, OutboxRelay.start(database, config, OutboxRelay.Settings.from(config)
                    .withRegistry(registry)
                    .withTopicForAggregateType(type -> type.equals(FinanceLedger.AGGREGATE_TYPE) ? ledgerTopic
                            : type + ".events")));
            Auditor auditor = new Auditor(topics, clock);
            String group = config.get(GROUP_SETTING, "audit-worker");
            IdempotentConsumer<OrderEvent> events = started(started, IdempotentConsumer
                    .builder(topics.engineTopics(), OrderEvent::getEventId)
                    .groupId(group + "-events")
                    .registry(registry)
                    .batchHandler(auditor::onOrderEvents)
                    .start(config, database.jdbi()));
            IdempotentConsumer<EffectOutcome> outcomes = started(started, IdempotentConsumer
                    .builder(topics.outcomeTopics(), EffectOutcome::getOutcomeId)
                    .groupId(group + "-outcomes")
                    .registry(registry)
                    .batchHandler(auditor::onOutcomes)
                    .start(config, database.jdbi()));
            RefundSlaMonitor refundSla = RefundSlaMonitor.start(database.jdbi(), clock,
                    config.getDuration(REFUND_SLA_SETTING, DEFAULT_REFUND_SLA),
                    config.getDuration(SLA_CHECK_INTERVAL_SETTING, Duration.ofSeconds(30)), registry);
            return new AuditWorker(database, relay, events, outcomes, refundSla);
        } catch (RuntimeException e) {
            for (int i = started.size() - 1; i >= 0; i--) {
                closeQuietly(started.get(i));
            }
            database.close();
            throw e;
        }
    }

    public Database database() {
        return database;
    }

    public RefundSlaMonitor refundSla() {
        return refundSla;
    }

    public boolean isRunning() {
        return events.isRunning() && outcomes.isRunning() && relay.isRunning();
    }

    @Override
    public Optional<String> unready() {
        return Readiness.running(isRunning());
    }

    /**
     * Stops consuming first (each consumer commits the batch in hand), then the relay (what the outbox still holds is
     * published by the next relay to start), then closes the database.
     */
    @Override
    public void close() {
        refundSla.close();
        events.close();
        outcomes.close();
        relay.close();
        database.close();
    }

    private static <T extends AutoCloseable> T started(List<AutoCloseable> started, T component) {
        started.add(component);
        return component;
    }

    private static void closeQuietly(AutoCloseable component) {
        try {
            component.close();
        } catch (Exception e) {
            log.warn("closing {} after a failed start: {}", component.getClass().getSimpleName(), e.toString());
        }
    }
}
