package io.orderflow.audit;

import io.orderflow.audit.finance.FinanceLedger;
import io.orderflow.audit.log.AuditEntries;
import io.orderflow.audit.log.AuditLog;
import io.orderflow.audit.log.EffectRequests;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.audit.log.AuditEntry;
import io.orderflow.common.kafka.Principals;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Handle;

/**
 * What the audit worker does with a batch of messages, in the consumer's transaction: audit them, and feed the
 * finance ledger what it needs. Everything for one order runs under that order's audit lock (taken once per batch), so the chain stays linear and a ledger
 * entry that needs both an outcome and its request is posted once, by whichever comes second.
 */
final class Auditor {
    private final AuditTopics topics;
    private final AuditLog auditLog;
    private final EffectRequests requests = new EffectRequests();
    private final FinanceLedger ledger;

    Auditor(AuditTopics topics, Clock clock) {
        this.topics = topics;
        this.auditLog = new AuditLog(clock);
        this.ledger = new FinanceLedger(clock);
    }

    /** A batch of order events, in order: audited together, then the requests among them recorded. */
    void onOrderEvents(Handle handle, List<ConsumerRecord<String, OrderEvent>> records) {
        Set<String> appended = auditLog.appendAll(handle, records.stream()
                .map(record -> AuditEntries.of(record.value(), record.topic(), Principals.of(record.headers())))
                .toList());
        for (ConsumerRecord<String, OrderEvent> record : records) {
            OrderEvent event = record.value();
            // Audited before (e.g. replayed from a dead-letter topic): so was everything below.
            if (appended.contains(event.getEventId()) && event.getBody() instanceof EffectRequested request) {
                requests.record(handle, event, request);
                ledger.requestArrived(handle, request.getRequestId());
            }
        }
    }

    /** A batch of outcomes, in order: audited together, then the payments among them posted to the ledger. */
    void onOutcomes(Handle handle, List<ConsumerRecord<String, EffectOutcome>> records) {
        // Locked before the requests are read, so a request audited concurrently is seen.
        auditLog.lockOrders(handle, records.stream().map(record -> record.value().getOrderId()).toList());
        List<AuditEntry> entries = new ArrayList<>(records.size());
        for (ConsumerRecord<String, EffectOutcome> record : records) {
            EffectOutcome outcome = record.value();
            String correlationId = outcome.getCorrelationId() != null ? outcome.getCorrelationId()
                    : requests.correlationOf(handle, outcome.getRequestId()).orElse(null);
            entries.add(AuditEntries.of(outcome, record.topic(), topics.componentOf(record.topic()), correlationId,
                    Principals.of(record.headers())));
        }
        Set<String> appended = auditLog.appendAll(handle, entries);
        for (ConsumerRecord<String, EffectOutcome> record : records) {
            EffectOutcome outcome = record.value();
            if (appended.contains(outcome.getOutcomeId()) && topics.isPaymentTopic(record.topic())
                    && FinanceLedger.concerns(outcome)) {
                ledger.settled(handle, outcome);
            }
        }
    }
}
