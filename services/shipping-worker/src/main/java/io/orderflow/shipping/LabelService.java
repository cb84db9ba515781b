package io.orderflow.shipping;

import io.orderflow.common.app.Backoff;
import io.orderflow.common.http.RemoteCallException;
import io.orderflow.common.worker.Outcomes;
import io.orderflow.domain.BusinessHours;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.codec.AvroCodec;
import io.orderflow.shipping.carrier.CarrierClient;
import io.orderflow.shipping.carrier.Label;
import io.orderflow.shipping.carrier.LabelOrder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and voids shipping labels for the engine's requests. Every request is recorded in {@code label_requests}
 * before the carrier is called, with the request id as the carrier's {@code Idempotency-Key}, so a redelivered request,
 * a retry or a crash between the carrier's answer and the commit never makes a second label.
 *
 * <p>A request that cannot be done now is kept PENDING and announced once per cause with a HELD outcome: a label
 * outside business hours waits for the next opening; a carrier that is down (retries exhausted, circuit open) is tried
 * again with a growing delay. The consumer only records a request; the scheduler ({@link #claimDue},
 * {@link #attemptClaimed}, run by the worker's due-work runner on several threads) calls the carrier outside the
 * consumer's transaction and gives every pending request its final answer.
 */
public final class LabelService {
    private static final Logger log = LoggerFactory.getLogger(LabelService.class);
    private static final AvroCodec<OrderEvent> EVENTS = AvroCodec.of(OrderEvent.class);

    /** Why a request waits; each is announced with its own HELD outcome ({@code <requestId>-held-<kind>}). */
    enum Hold { HOURS, CARRIER }

    /** Publishes an outcome through the worker's outbox in the caller's transaction. */
    @FunctionalInterface
    public interface Publisher {
        void publish(Handle handle, EffectOutcome outcome);
    }

    private final CarrierClient carrier;
    private final ShippingSettings settings;
    private final Clock clock;
    private final Publisher publisher;
    private final Runnable wakeScheduler;

    /** @param wakeScheduler tells the scheduler that a new request was recorded */
    public LabelService(CarrierClient carrier, ShippingSettings settings, Clock clock, Publisher publisher,
                        Runnable wakeScheduler) {
        this.carrier = carrier;
        this.settings = settings;
        this.clock = clock;
        this.publisher = publisher;
        this.wakeScheduler = wakeScheduler;
    }

    /**
     * The consumer's handler: records a new request for the scheduler (woken when the transaction commits); answers a
     * known one as before.
     */
    public Optional<EffectOutcome> onRequest(Handle handle, OrderEvent event, EffectRequested request) {
        ShippingDao dao = handle.attach(ShippingDao.class);
        Optional<LabelRequestRow> known = dao.lockRequest(request.getRequestId());
        if (known.isPresent()) {
            // The engine asked again under a new event id (its own retry): the same request, the same answer.
            return answerAgain(dao, known.get());
        }
        if (dao.insertRequest(request.getRequestId(), event.getOrderId(), request.getEffect(),
                request.getTargetRequestId(), EVENTS.encode(event), clock.instant())) {
            handle.afterCommit(wakeScheduler);
            return Optional.empty();
        }
        // Another consumer (during a rebalance) recorded it first, and has answered it by now.
        return answerAgain(dao, dao.lockRequest(request.getRequestId()).orElseThrow());
    }

    /**
     * The scheduler's claim: up to {@code limit} pending requests that are due, each leased for {@code lease} (moved
     * that far ahead, so a scheduler that dies leaves it due again), skipping any another transaction is working on.
     */
    public List<LabelRequestRow> claimDue(Handle handle, int limit, Duration lease) {
        Instant now = clock.instant();
        return handle.attach(ShippingDao.class).claimDue(now, now.plus(lease), limit);
    }

    /** Gives back a claimed request the scheduler did not attempt (it is closing): due again now. */
    public void release(Handle handle, LabelRequestRow claimed) {
        handle.attach(ShippingDao.class).unclaim(claimed.requestId(), clock.instant());
    }

    /**
     * The scheduler's step for one claimed request: locks it and, if it still waits (a void may have cancelled it
     * meanwhile), tries it and publishes what it comes to. The row stays locked during the carrier call, so a void of
     * the same order waits for the label it may have to void.
     */
    public void attemptClaimed(Handle handle, LabelRequestRow claimed) {
        Optional<LabelRequestRow> row = handle.attach(ShippingDao.class).lockRequest(claimed.requestId())
                .filter(current -> current.state() == RequestState.PENDING);
        if (row.isPresent()) {
            attempt(handle, row.get()).ifPresent(outcome -> publisher.publish(handle, outcome));
        }
    }

    private Optional<EffectOutcome> attempt(Handle handle, LabelRequestRow row) {
        ShippingDao dao = handle.attach(ShippingDao.class);
        Request request = Request.of(row);
        return switch (row.effect()) {
            case CREATE_LABEL -> createLabel(dao, request);
            case VOID_LABEL -> voidLabels(handle, dao, request);
            default -> throw new IllegalStateException("request " + row.requestId() + " asks for " + row.effect()
                    + ", which the shipping worker does not perform");
        };
    }

    private Optional<EffectOutcome> createLabel(ShippingDao dao, Request request) {
        Instant now = clock.instant();
        BusinessHours hours = settings.businessHours();
        if (!hours.isOpen(now)) {
            Optional<ZonedDateTime> opening = hours.nextOpening(now);
            if (opening.isEmpty()) {
                return fail(dao, request, "labels are created only in business hours, and "
                        + hours.describeNextOpening(now));
            }
            String reason = "waiting for business hours; " + hours.describeNextOpening(now);
            dao.markWaiting(request.id(), reason, opening.get().toInstant(), false);
            return hold(dao, request, Hold.HOURS, reason);
        }
        if (request.event().getOrder().getDetails().getLines().isEmpty()) {
            return fail(dao, request, "cannot create a label: the order has no lines to ship");
        }
        LabelOrder order;
        try {
            order = labelOrder(request.event().getOrder());
        } catch (ShippingAddress.Unusable e) {
            return fail(dao, request, "cannot create a label: " + e.getMessage());
        }
        try {
            Label label = carrier.createLabel(request.id(), order);
            dao.insertShipment(request.id(), request.orderId(), label.labelId(), label.trackingNumber(),
                    shipmentStatus(label.status()));
            dao.markAnswered(request.id(), RequestState.SUCCEEDED, null, label.labelId());
            log.info("label {} (tracking {}) created for order {} ({})", label.labelId(), label.trackingNumber(),
                    request.orderId(), request.id());
            return Optional.of(Outcomes.succeeded(request.event(), request.body(), now)
                    .setReference(label.labelId())
                    .setTrackingNumber(label.trackingNumber())
                    .build());
        } catch (RemoteCallException.Rejected e) {
            return fail(dao, request, "the carrier refused the label: " + e.getMessage());
        } catch (RemoteCallException.Unavailable e) {
            return waitForCarrier(dao, request, e);
        }
    }

    /**
     * Voids the target request's label, or every label of the order when there is no target. A label request still
     * waiting (hours, carrier) is cancelled instead, and answered FAILED, so no label appears after its undo.
     */
    private Optional<EffectOutcome> voidLabels(Handle handle, ShippingDao dao, Request request) {
        String target = request.body().getTargetRequestId();
        List<LabelRequestRow> labelRequests = target != null
                ? dao.lockRequest(target).filter(r -> r.effect() == Effect.CREATE_LABEL).stream().toList()
                : dao.lockLabelRequestsOfOrder(request.orderId());
        List<String> notes = new ArrayList<>();
        List<Shipment> labels = new ArrayList<>();
        for (LabelRequestRow labelRequest : labelRequests) {
            switch (labelRequest.state()) {
                case PENDING -> {
                    String reason = "cancelled by " + request.id() + " before a label was created";
                    Request cancelled = Request.of(labelRequest);
                    dao.markAnswered(cancelled.id(), RequestState.FAILED, reason, null);
                    publisher.publish(handle, Outcomes.failed(cancelled.event(), cancelled.body(), reason,
                            clock.instant()).build());
                    notes.add("label request " + cancelled.id() + " was still waiting and is cancelled");
                }
                case SUCCEEDED -> dao.lockShipment(labelRequest.requestId()).ifPresent(labels::add);
                case FAILED -> notes.add("label request " + labelRequest.requestId() + " created no label");
            }
        }
        if (labelRequests.isEmpty()) {
            notes.add(target != null ? "no label request " + target + " reached the shipping worker"
                    : "order " + request.orderId() + " has no label");
        }

        List<String> voided = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        for (Shipment label : labels) {
            if (label.status() == Shipment.Status.VOIDED) {
                voided.add(label.labelId());
                continue;
            }
            // Our status may lag the carrier's (a webhook in flight), so the carrier decides what can be voided.
            try {
                carrier.voidLabel(label.labelId(), request.id() + ":" + label.labelId());
                dao.setShipmentStatus(label.requestId(), Shipment.Status.VOIDED);
                voided.add(label.labelId());
                log.info("label {} of order {} voided ({})", label.labelId(), request.orderId(), request.id());
            } catch (RemoteCallException.Rejected e) {
                switch (e.code()) {
                    case "label_already_voided" -> {
                        dao.setShipmentStatus(label.requestId(), Shipment.Status.VOIDED);
                        voided.add(label.labelId());
                    }
                    case "label_already_delivered" -> {
                        dao.setShipmentStatus(label.requestId(), Shipment.Status.DELIVERED);
                        refused.add("label " + label.labelId() + " was already delivered and cannot be voided");
                    }
                    default -> refused.add("the carrier refused to void label " + label.labelId() + ": "
                            + e.getMessage());
                }
            } catch (RemoteCallException.Unavailable e) {
                // Labels voided so far stay voided (committed with the wait); the next attempt does the rest.
                return waitForCarrier(dao, request, e);
            }
        }

        String reference = voided.isEmpty() ? null : String.join(",", voided);
        if (!refused.isEmpty()) {
            String reason = String.join("; ", refused);
            dao.markAnswered(request.id(), RequestState.FAILED, reason, reference);
            return Optional.of(Outcomes.failed(request.event(), request.body(), reason, clock.instant())
                    .setReference(reference).build());
        }
        String note = voided.isEmpty() ? "nothing to void: " + String.join("; ", notes) : null;
        dao.markAnswered(request.id(), RequestState.SUCCEEDED, note, reference);
        return Optional.of(Outcomes.succeeded(request.event(), request.body(), clock.instant())
                .setReference(reference).setReason(note).build());
    }

    /** The same final answer as the first time; nothing while the request still waits (it will be answered). */
    private Optional<EffectOutcome> answerAgain(ShippingDao dao, LabelRequestRow row) {
        Request request = Request.of(row);
        Instant now = clock.instant();
        return switch (row.state()) {
            case PENDING -> Optional.empty();
            case FAILED -> Optional.of(Outcomes.failed(request.event(), request.body(), row.reason(), now)
                    .setReference(row.reference()).build());
            case SUCCEEDED -> {
                EffectOutcome.Builder outcome = Outcomes.succeeded(request.event(), request.body(), now)
                        .setReference(row.reference()).setReason(row.reason());
                if (row.effect() == Effect.CREATE_LABEL) {
                    dao.lockShipment(row.requestId()).ifPresent(s -> outcome.setTrackingNumber(s.trackingNumber()));
                }
                yield Optional.of(outcome.build());
            }
        };
    }

    private Optional<EffectOutcome> waitForCarrier(ShippingDao dao, Request request,
                                                   RemoteCallException.Unavailable e) {
        int attempts = request.row().attempts() + 1;
        Duration delay = new Backoff(settings.retryInterval(), settings.maxRetryInterval()).after(attempts);
        String reason = e.circuitOpen()
                ? "carrier unavailable: its circuit is open after repeated failures; retrying when it recovers"
                : "carrier unavailable: " + e.getMessage() + "; retrying";
        log.warn("{} for order {} waits for the carrier: {}", request.id(), request.orderId(), e.getMessage());
        dao.markWaiting(request.id(), reason, clock.instant().plus(delay), true);
        return hold(dao, request, Hold.CARRIER, reason);
    }

    private Optional<EffectOutcome> hold(ShippingDao dao, Request request, Hold kind, String reason) {
        if (dao.announceHold(request.id(), kind.name()) == 0) {
            return Optional.empty();
        }
        return Optional.of(Outcomes.held(request.event(), request.body(), reason, clock.instant())
                .setOutcomeId(request.id() + "-held-" + kind.name().toLowerCase(Locale.ROOT))
                .build());
    }

    private Optional<EffectOutcome> fail(ShippingDao dao, Request request, String reason) {
        log.info("{} for order {} failed: {}", request.id(), request.orderId(), reason);
        dao.markAnswered(request.id(), RequestState.FAILED, reason, null);
        return Optional.of(Outcomes.failed(request.event(), request.body(), reason, clock.instant()).build());
    }

    private LabelOrder labelOrder(OrderSnapshot order) throws ShippingAddress.Unusable {
        var details = order.getDetails();
        LabelOrder.Address address = ShippingAddress.parse(details.getShippingAddress(), details.getCustomerId(),
                settings.defaultCountry());
        return new LabelOrder(order.getOrderId(), address, details.getLines().stream()
                .map(line -> new LabelOrder.Item(line.getSku(), line.getQuantity()))
                .toList());
    }

    private static Shipment.Status shipmentStatus(String carrierStatus) {
        try {
            return carrierStatus == null ? Shipment.Status.CREATED : Shipment.Status.valueOf(carrierStatus);
        } catch (IllegalArgumentException e) {
            return Shipment.Status.CREATED;
        }
    }

    /** A stored request with the event that carried it, decoded. */
    private record Request(LabelRequestRow row, OrderEvent event, EffectRequested body) {
        static Request of(LabelRequestRow row) {
            OrderEvent event = EVENTS.decode(row.event());
            return new Request(row, event, (EffectRequested) event.getBody());
        }

        String id() {
            return row.requestId();
        }

        String orderId() {
            return row.orderId();
        }
    }
}
