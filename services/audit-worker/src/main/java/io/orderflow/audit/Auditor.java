package io.orderflow.audit;

import io.orderflow.audit.finance.FinanceLedger;
import io.orderflow.audit.log.AuditEntries;
import io.orderflow.audit.log.AuditLog;
import io.orderflow.audit.log.EffectRequests;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import java.time.Clock;
import org.jdbi.v3.core.Handle;

/**
 * What the audit worker does with one message, in the consumer's transaction: audit it, and feed the finance ledger
 * what it needs. Everything for one order runs under that order's audit lock, so the chain stays linear and a ledger
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

    void onOrderEvent(Handle handle, OrderEvent event, String topic) {
        auditLog.lockOrder(handle, event.getOrderId());
        if (!auditLog.append(handle, AuditEntries.of(event, topic))) {
            return;  // audited before (e.g. replayed from a dead-letter topic): so was everything below
        }
        if (event.getBody() instanceof EffectRequested request) {
            requests.record(handle, event, request);
            ledger.requestArrived(handle, request.getRequestId());
        }
    }

    void onOutcome(Handle handle, EffectOutcome outcome, String topic) {
        auditLog.lockOrder(handle, outcome.getOrderId());
        String correlationId = outcome.getCorrelationId() != null ? outcome.getCorrelationId()
                : requests.correlationOf(handle, outcome.getRequestId()).orElse(null);
        var entry = AuditEntries.of(outcome, topic, topics.componentOf(topic), correlationId);
        if (!auditLog.append(handle, entry)) {
            return;
        }
        if (topics.isPaymentTopic(topic) && FinanceLedger.concerns(outcome)) {
            ledger.settled(handle, outcome);
        }
    }
}
