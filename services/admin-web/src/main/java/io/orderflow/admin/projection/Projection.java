package io.orderflow.admin.projection;

import io.orderflow.schema.CommandResult;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.jdbi.v3.core.Handle;

/**
 * Writes one record into the read model. Idempotent on its own, whatever delivered it: an order row only moves forward
 * (an event older than the one it reflects changes nothing), history rows are keyed by event id and results by command
 * id. So a redelivery, or a rebuild racing the live projector, leaves the same tables.
 */
public final class Projection {
    public static final String STATE_CHANGED = "STATE_CHANGED";
    public static final String EFFECT_REQUESTED = "EFFECT_REQUESTED";
    public static final String TRACKING = "TRACKING";

    private static final String UPSERT_ORDER = """
            insert into orders (order_id, state, version, customer_id, customer_email, payment_method, shipping_address,
                total_minor, currency, placed_at, updated_at, state_since, payment_reference, label_id, tracking_number,
                note, in_flight, in_flight_effect, in_flight_request, in_flight_since, in_flight_deadline,
                in_flight_actor, in_flight_role, held_reason, flagged_reason, last_event_at, last_event_version)
            values (:id, :state, :version, :customerId, :email, :paymentMethod, :address, :totalMinor, :currency,
                :placedAt, :updatedAt, :at, :paymentReference, :labelId, :trackingNumber, :note, :inFlight,
                :effect, :requestId, :inFlightSince, :deadline, :actorId, :actorRole, :held, :flagged, :at, :version)
            on conflict (order_id) do update set
                state = excluded.state, version = excluded.version, updated_at = excluded.updated_at,
                payment_reference = excluded.payment_reference, label_id = excluded.label_id,
                tracking_number = excluded.tracking_number, note = excluded.note, in_flight = excluded.in_flight,
                state_since = case when :stateChanged then excluded.state_since else orders.state_since end,
                in_flight_effect = case when excluded.in_flight is null then null
                    when :starts then excluded.in_flight_effect else orders.in_flight_effect end,
                in_flight_request = case when excluded.in_flight is null then null
                    when :starts then excluded.in_flight_request else orders.in_flight_request end,
                in_flight_since = case when excluded.in_flight is null then null
                    when :starts then excluded.in_flight_since else orders.in_flight_since end,
                in_flight_deadline = case when excluded.in_flight is null then null
                    when :starts then excluded.in_flight_deadline else orders.in_flight_deadline end,
                in_flight_actor = case when excluded.in_flight is null then null
                    when :starts then excluded.in_flight_actor else orders.in_flight_actor end,
                in_flight_role = case when excluded.in_flight is null then null
                    when :starts then excluded.in_flight_role else orders.in_flight_role end,
                held_reason = case when excluded.in_flight is null or :starts then null
                    when excluded.held_reason is not null then excluded.held_reason else orders.held_reason end,
                flagged_reason = case when :stateChanged then null
                    when excluded.flagged_reason is not null then excluded.flagged_reason else orders.flagged_reason end,
                last_event_at = excluded.last_event_at, last_event_version = excluded.last_event_version
            where (orders.last_event_version, orders.last_event_at)
                  <= (excluded.last_event_version, excluded.last_event_at)""";

    private static final String INSERT_HISTORY = """
            insert into order_history (event_id, order_id, version, occurred_at, kind, transition, from_state, to_state,
                effect, reason, actor_id, actor_role)
            values (:eventId, :orderId, :version, :at, :kind, :transition, :from, :to, :effect, :reason, :actorId,
                :actorRole)
            on conflict (event_id) do nothing""";

    private Projection() {}

    /** One event of orders.events: the order's row from its snapshot, its lines once, and a history entry. */
    public static void apply(Handle handle, OrderEvent event) {
        OrderSnapshot o = event.getOrder();
        Object body = event.getBody();
        boolean stateChanged = body instanceof StateChanged;
        EffectRequested request = body instanceof EffectRequested r && !r.getCompensation() ? r : null;
        boolean starts = request != null && o.getPendingTransition() != null;
        TransitionUpdate update = body instanceof TransitionUpdate u ? u : null;
        String held = update != null && update.getStatus().name().equals("HELD") ? update.getReason() : null;
        String flagged = update != null && update.getStatus().name().equals("FLAGGED") ? update.getReason() : null;
        handle.createUpdate(UPSERT_ORDER)
                .bind("id", o.getOrderId())
                .bind("state", o.getState().name())
                .bind("version", o.getVersion())
                .bind("customerId", o.getDetails().getCustomerId())
                .bind("email", o.getDetails().getCustomerEmail())
                .bind("paymentMethod", o.getDetails().getPaymentMethod())
                .bind("address", o.getDetails().getShippingAddress())
                .bind("totalMinor", o.getTotal().getAmountMinor())
                .bind("currency", o.getTotal().getCurrency())
                .bind("placedAt", time(o.getPlacedAt()))
                .bind("updatedAt", time(o.getUpdatedAt()))
                .bind("paymentReference", o.getPaymentReference())
                .bind("labelId", o.getLabelId())
                .bind("trackingNumber", o.getTrackingNumber())
                .bind("note", o.getNote())
                .bind("inFlight", o.getPendingTransition() == null ? null : o.getPendingTransition().name())
                .bind("effect", starts ? request.getEffect().name() : null)
                .bind("requestId", starts ? request.getRequestId() : null)
                .bind("inFlightSince", starts ? time(event.getOccurredAt()) : null)
                .bind("deadline", starts ? time(request.getDeadline()) : null)
                .bind("actorId", starts ? event.getActor().getUserId() : null)
                .bind("actorRole", starts ? event.getActor().getRole().name() : null)
                .bind("held", held)
                .bind("flagged", flagged)
                .bind("at", time(event.getOccurredAt()))
                .bind("stateChanged", stateChanged)
                .bind("starts", starts)
                .execute();
        int lineNo = 0;
        for (OrderLine line : o.getDetails().getLines()) {
            handle.createUpdate("""
                    insert into order_lines (order_id, line_no, sku, quantity, unit_minor, currency)
                    values (:id, :no, :sku, :quantity, :unit, :currency) on conflict do nothing""")
                    .bind("id", o.getOrderId()).bind("no", lineNo++).bind("sku", line.getSku())
                    .bind("quantity", line.getQuantity()).bind("unit", line.getUnitPrice().getAmountMinor())
                    .bind("currency", line.getUnitPrice().getCurrency())
                    .execute();
        }
        var history = handle.createUpdate(INSERT_HISTORY)
                .bind("eventId", event.getEventId())
                .bind("orderId", event.getOrderId())
                .bind("version", event.getVersion())
                .bind("at", time(event.getOccurredAt()))
                .bind("actorId", event.getActor().getUserId())
                .bind("actorRole", event.getActor().getRole().name());
        if (body instanceof StateChanged c) {
            history.bind("kind", STATE_CHANGED).bind("transition", c.getTransition().name())
                    .bind("from", c.getFromState() == null ? null : c.getFromState().name())
                    .bind("to", c.getToState().name()).bind("effect", (String) null).bind("reason", c.getReason());
        } else if (body instanceof EffectRequested r) {
            history.bind("kind", EFFECT_REQUESTED).bind("transition", r.getTransition().name())
                    .bind("from", (String) null).bind("to", (String) null).bind("effect", r.getEffect().name())
                    .bind("reason", r.getCompensation() ? "compensation of " + r.getTargetRequestId() : null);
        } else {
            TransitionUpdate u = (TransitionUpdate) body;
            history.bind("kind", u.getStatus().name())
                    .bind("transition", u.getTransition() == null ? null : u.getTransition().name())
                    .bind("from", (String) null).bind("to", (String) null).bind("effect", (String) null)
                    .bind("reason", u.getReason());
        }
        history.execute();
    }

    /** The engine's one answer to a command; a repeated answer (a duplicate command id) keeps the first. */
    public static void apply(Handle handle, CommandResult result) {
        handle.createUpdate("""
                insert into command_results (command_id, order_id, transition, status, rejection_code, message, state,
                    version, decided_at)
                values (:commandId, :orderId, :transition, :status, :code, :message, :state, :version, :at)
                on conflict (command_id) do nothing""")
                .bind("commandId", result.getCommandId())
                .bind("orderId", result.getOrderId())
                .bind("transition", result.getTransition().name())
                .bind("status", result.getStatus().name())
                .bind("code", result.getRejectionCode())
                .bind("message", result.getMessage())
                .bind("state", result.getState() == null ? null : result.getState().name())
                .bind("version", result.getVersion())
                .bind("at", time(result.getDecidedAt()))
                .execute();
    }

    /** A carrier's tracking news: the order's tracking status and a history line. */
    public static void applyTracking(Handle handle, EffectOutcome outcome) {
        handle.createUpdate("update orders set tracking_status = :status where order_id = :id")
                .bind("status", outcome.getTrackingStatus()).bind("id", outcome.getOrderId()).execute();
        handle.createUpdate(INSERT_HISTORY)
                .bind("eventId", outcome.getOutcomeId())
                .bind("orderId", outcome.getOrderId())
                .bind("version", 0L)
                .bind("at", time(outcome.getOccurredAt()))
                .bind("kind", TRACKING)
                .bind("transition", (String) null).bind("from", (String) null).bind("to", (String) null)
                .bind("effect", outcome.getEffect().name())
                .bind("reason", outcome.getTrackingNumber() + ": " + outcome.getTrackingStatus()
                        + (outcome.getReason() == null ? "" : " (" + outcome.getReason() + ")"))
                .bind("actorId", "carrier").bind("actorRole", "SYSTEM")
                .execute();
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
