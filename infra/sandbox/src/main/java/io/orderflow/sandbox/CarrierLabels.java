package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The carrier's shipping labels and their tracking progression (CREATED, IN_TRANSIT, DELIVERED, or VOIDED).
 * Status changes are published as tracking events through the webhook dispatcher.
 */
final class CarrierLabels implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CarrierLabels.class);

    /** Declared in delivery order: a label only moves forward, and VOIDED ends it. */
    enum Status { CREATED, IN_TRANSIT, DELIVERED, VOIDED }

    record Label(String labelId, String orderId, String trackingNumber, String labelUrl, Status status,
                 JsonNode address, JsonNode parcels, JsonNode lines, String createdAt, String updatedAt) {
        Label withStatus(Status newStatus) {
            return new Label(labelId, orderId, trackingNumber, labelUrl, newStatus, address, parcels, lines,
                    createdAt, Instant.now().toString());
        }
    }

    private final WebhookDispatcher dispatcher;
    private final long inTransitAfterMs;
    private final long deliveredAfterMs;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-carrier-progression");
        t.setDaemon(true);
        return t;
    });
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Label> labels = new LinkedHashMap<>();
    private final Map<String, String> labelIdByTracking = new HashMap<>();
    private final Map<String, List<TrackingEvent>> history = new HashMap<>();

    /** A negative delay disables that automatic step (tests then drive progression through advance()). */
    CarrierLabels(WebhookDispatcher dispatcher, long inTransitAfterMs, long deliveredAfterMs) {
        this.dispatcher = dispatcher;
        this.inTransitAfterMs = inTransitAfterMs;
        this.deliveredAfterMs = deliveredAfterMs;
    }

    synchronized Label create(String orderId, JsonNode address, JsonNode parcels, JsonNode lines, String baseUrl) {
        String labelId = PaymentLedger.newId("lbl");
        String tracking = newTrackingNumber();
        String now = Instant.now().toString();
        Label label = new Label(labelId, orderId, tracking, baseUrl + "/v1/labels/" + labelId + "/document",
                Status.CREATED, address, parcels, lines, now, now);
        labels.put(labelId, label);
        labelIdByTracking.put(tracking, labelId);
        history.put(labelId, new ArrayList<>());
        scheduleAutoAdvance(labelId, Status.IN_TRANSIT, inTransitAfterMs);
        scheduleAutoAdvance(labelId, Status.DELIVERED, deliveredAfterMs);
        return label;
    }

    synchronized Label get(String labelId) {
        Label label = labels.get(labelId);
        if (label == null) {
            throw ApiException.notFound("label_not_found", "no label " + labelId);
        }
        return label;
    }

    synchronized List<Label> list(String orderId) {
        return labels.values().stream().filter(l -> orderId == null || l.orderId().equals(orderId)).toList();
    }

    /** A label can be voided until it is delivered; after that it gets no more tracking updates. */
    synchronized Label voidLabel(String labelId) {
        Label label = get(labelId);
        if (label.status() == Status.VOIDED) {
            throw ApiException.conflict("label_already_voided", "label " + labelId + " is already voided");
        }
        if (label.status() == Status.DELIVERED) {
            throw ApiException.conflict("label_already_delivered", "label " + labelId + " was delivered; cannot void");
        }
        Label voided = label.withStatus(Status.VOIDED);
        labels.put(labelId, voided);
        return voided;
    }

    /** On-demand progression for tests; passing over IN_TRANSIT still emits it, as a real carrier scans it first. */
    synchronized Label advance(String trackingNumber, Status target) {
        Label label = get(labelIdFor(trackingNumber));
        if (target != Status.IN_TRANSIT && target != Status.DELIVERED) {
            throw ApiException.badRequest("invalid_status", "status must be IN_TRANSIT or DELIVERED");
        }
        if (label.status() == Status.VOIDED) {
            throw ApiException.conflict("label_voided", "label " + label.labelId() + " is voided");
        }
        if (label.status().compareTo(target) >= 0) {
            throw ApiException.conflict("status_not_forward",
                    "shipment " + trackingNumber + " is already " + label.status() + "; cannot move to " + target);
        }
        return moveTo(label, target);
    }

    synchronized Map<String, Object> tracking(String trackingNumber) {
        Label label = get(labelIdFor(trackingNumber));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("trackingNumber", trackingNumber);
        result.put("labelId", label.labelId());
        result.put("orderId", label.orderId());
        result.put("status", label.status());
        result.put("events", List.copyOf(history.get(label.labelId())));
        return result;
    }

    synchronized void clear() {
        labels.clear();
        labelIdByTracking.clear();
        history.clear();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }

    private String labelIdFor(String trackingNumber) {
        String labelId = labelIdByTracking.get(trackingNumber);
        if (labelId == null) {
            throw ApiException.notFound("shipment_not_found", "no shipment with tracking number " + trackingNumber);
        }
        return labelId;
    }

    private void scheduleAutoAdvance(String labelId, Status target, long delayMs) {
        if (delayMs >= 0) {
            scheduler.schedule(() -> autoAdvance(labelId, target), delayMs, TimeUnit.MILLISECONDS);
        }
    }

    /** Timer-driven step: silently skipped if the label was voided, reset away, or already moved past target. */
    private synchronized void autoAdvance(String labelId, Status target) {
        Label label = labels.get(labelId);
        if (label == null || label.status() == Status.VOIDED || label.status().compareTo(target) >= 0) {
            return;
        }
        moveTo(label, target);
    }

    private Label moveTo(Label label, Status target) {
        Label current = label;
        for (Status step : List.of(Status.IN_TRANSIT, Status.DELIVERED)) {
            if (current.status().compareTo(step) < 0 && step.compareTo(target) <= 0) {
                current = current.withStatus(step);
                TrackingEvent event = new TrackingEvent(PaymentLedger.newId("evt"), "tracking.updated",
                        current.trackingNumber(), current.labelId(), current.orderId(), step.name(),
                        current.updatedAt());
                history.get(current.labelId()).add(event);
                log.info("carrier: shipment {} of order {} is {}", current.trackingNumber(), current.orderId(), step);
                dispatcher.publish(event);
            }
        }
        labels.put(current.labelId(), current);
        return current;
    }

    private String newTrackingNumber() {
        String tracking;
        do {
            tracking = String.format("SBX%010d", random.nextInt(Integer.MAX_VALUE));
        } while (labelIdByTracking.containsKey(tracking));
        return tracking;
    }
}
