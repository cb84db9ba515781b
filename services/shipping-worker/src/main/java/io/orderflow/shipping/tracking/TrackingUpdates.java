package io.orderflow.shipping.tracking;

import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.shipping.LabelService;
import io.orderflow.shipping.Shipment;
import io.orderflow.shipping.ShippingDao;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the carrier's tracking events into order news: each event id is recorded once ({@code tracking_events}), the
 * shipment's status moves forward, and IN_TRANSIT / DELIVERED become an {@code EffectOutcome} UPDATE
 * (TRACK_SHIPMENT, no request id) in the outbox, all in one transaction. The carrier delivers at least once, so a
 * redelivered event is acknowledged and changes nothing.
 */
public final class TrackingUpdates {
    private static final Logger log = LoggerFactory.getLogger(TrackingUpdates.class);

    /** One tracking event as the carrier pushes it. */
    public record Event(String eventId, String trackingNumber, String labelId, String orderId, String status,
                        Instant occurredAt) {
    }

    /** What became of an event. */
    public enum Result {
        /** New, and published as an UPDATE outcome. */
        PUBLISHED,
        /** New, recorded, but not news for the engine (a status it does not act on, a voided or stale label). */
        RECORDED,
        /** Received before; nothing done. */
        DUPLICATE
    }

    /**
     * The event names a label this worker has not recorded yet. Usually the label's transaction is still committing,
     * so the event is refused (the transaction rolls back) and the carrier delivers it again a moment later.
     */
    public static final class ShipmentNotYetKnown extends RuntimeException {
        ShipmentNotYetKnown(String message) {
            super(message);
        }
    }

    private final LabelService.Publisher publisher;
    private final Duration unknownShipmentGrace;
    private final Map<String, Long> refusedSince = new ConcurrentHashMap<>();

    /**
     * @param unknownShipmentGrace how long an event for an unknown tracking number is refused before it is accepted
     *                             anyway (published for the order the carrier names): a label made by an earlier
     *                             installation, or one whose database row was lost, still reaches the engine
     */
    public TrackingUpdates(LabelService.Publisher publisher, Duration unknownShipmentGrace) {
        this.publisher = publisher;
        this.unknownShipmentGrace = unknownShipmentGrace;
    }

    /** Applies one event in {@code handle}'s transaction; throws {@link ShipmentNotYetKnown} to have it redelivered. */
    public Result receive(Handle handle, Event event) {
        ShippingDao dao = handle.attach(ShippingDao.class);
        Optional<Shipment> shipment = dao.lockShipmentByTrackingNumber(event.trackingNumber());
        if (dao.insertTrackingEvent(event.eventId(), event.trackingNumber(), event.labelId(), event.orderId(),
                event.status(), event.occurredAt()) == 0) {
            return Result.DUPLICATE;
        }
        if (shipment.isEmpty() && !graceOver(event.eventId())) {
            throw new ShipmentNotYetKnown("no shipment with tracking number " + event.trackingNumber()
                    + " is recorded yet; deliver event " + event.eventId() + " again later");
        }
        refusedSince.remove(event.eventId());

        Shipment.Status status = status(event.status());
        if (shipment.isPresent()) {
            Shipment known = shipment.get();
            if (known.status() == Shipment.Status.VOIDED || status == null
                    || status.ordinal() <= known.status().ordinal()) {
                log.info("tracking event {} ({} for {}) is no news: the shipment is {}", event.eventId(),
                        event.status(), event.trackingNumber(), known.status());
                return Result.RECORDED;
            }
            dao.setShipmentStatus(known.requestId(), status);
        } else {
            log.warn("tracking event {} names tracking number {} that no request of this worker created; "
                    + "publishing it for order {} as the carrier says", event.eventId(), event.trackingNumber(),
                    event.orderId());
        }
        if (status != Shipment.Status.IN_TRANSIT && status != Shipment.Status.DELIVERED) {
            return Result.RECORDED;
        }
        publisher.publish(handle, EffectOutcome.newBuilder()
                .setOutcomeId("tracking-" + event.eventId())
                .setOrderId(shipment.map(Shipment::orderId).orElse(event.orderId()))
                .setRequestId(null)
                .setEffect(Effect.TRACK_SHIPMENT)
                .setStatus(OutcomeStatus.UPDATE)
                .setOccurredAt(event.occurredAt())
                .setReference(shipment.map(Shipment::labelId).orElse(event.labelId()))
                .setTrackingNumber(event.trackingNumber())
                .setTrackingStatus(status.name())
                .build());
        log.info("order {}: shipment {} is {}", shipment.map(Shipment::orderId).orElse(event.orderId()),
                event.trackingNumber(), status);
        return Result.PUBLISHED;
    }

    private boolean graceOver(String eventId) {
        long now = System.nanoTime();
        long since = refusedSince.computeIfAbsent(eventId, id -> now);
        return now - since >= unknownShipmentGrace.toNanos();
    }

    private static Shipment.Status status(String carrierStatus) {
        try {
            return Shipment.Status.valueOf(carrierStatus);
        } catch (IllegalArgumentException | NullPointerException e) {
            return null;
        }
    }
}
