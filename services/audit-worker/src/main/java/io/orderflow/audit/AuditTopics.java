package io.orderflow.audit;

import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.OrderEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * The topics the audit worker reads and writes. Each outcome topic has one writer (docs/design.md), so the topic names
 * the component that acted; tests swap in topics of their own. The engine's effect requests are on the workers'
 * request topics (older ones on orders.events too); the audit log records them from wherever they are.
 */
public record AuditTopics(Topic<String, OrderEvent> orderEvents, List<Topic<String, OrderEvent>> requestTopics,
                          Topic<String, EffectOutcome> inventoryEvents, Topic<String, EffectOutcome> paymentEvents,
                          Topic<String, EffectOutcome> shippingEvents, Topic<String, LedgerEntry> financeLedger) {

    public static AuditTopics standard() {
        return new AuditTopics(Topics.ORDER_EVENTS, Topics.REQUESTS, Topics.INVENTORY_EVENTS, Topics.PAYMENT_EVENTS,
                Topics.SHIPPING_EVENTS, Topics.FINANCE_LEDGER);
    }

    /** Everything the engine writes about orders: orders.events and the request topics. */
    public List<Topic<String, OrderEvent>> engineTopics() {
        List<Topic<String, OrderEvent>> all = new ArrayList<>(List.of(orderEvents));
        all.addAll(requestTopics);
        return all;
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
