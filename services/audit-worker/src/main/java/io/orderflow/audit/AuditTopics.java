package io.orderflow.audit;

import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.OrderEvent;
import java.util.List;

/**
 * The topics the audit worker reads and writes. Each outcome topic has one writer (docs/design.md), so the topic names
 * the component that acted; tests swap in topics of their own.
 */
public record AuditTopics(Topic<String, OrderEvent> orderEvents, Topic<String, EffectOutcome> inventoryEvents,
                          Topic<String, EffectOutcome> paymentEvents, Topic<String, EffectOutcome> shippingEvents,
                          Topic<String, LedgerEntry> financeLedger) {

    public static AuditTopics standard() {
        return new AuditTopics(Topics.ORDER_EVENTS, Topics.INVENTORY_EVENTS, Topics.PAYMENT_EVENTS,
                Topics.SHIPPING_EVENTS, Topics.FINANCE_LEDGER);
    }

    public List<Topic<String, EffectOutcome>> outcomeTopics() {
        return List.of(inventoryEvents, paymentEvents, shippingEvents);
    }

    /** The system component that wrote an outcome topic: the audit row's actor. */
    public String componentOf(String topic) {
        if (topic.equals(inventoryEvents.name())) {
            return "inventory-worker";
        }
        if (topic.equals(paymentEvents.name())) {
            return "payment-worker";
        }
        if (topic.equals(shippingEvents.name())) {
            return "shipping-worker";
        }
        throw new IllegalArgumentException("not an outcome topic: " + topic);
    }

    public boolean isPaymentTopic(String topic) {
        return topic.equals(paymentEvents.name());
    }
}
