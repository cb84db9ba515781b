package io.orderflow.admin.projection;

import io.orderflow.schema.CommandResult;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Writes records into the read model. Idempotent on its own, whatever delivered it: an order row only moves forward
 * (an event older than the one it reflects changes nothing), history rows are keyed by event id and results by command
 * id. So a redelivery, or a rebuild racing the live projector, leaves the same tables, and records of one order that
 * arrive from different topics (orders.events, the request topics) in either order leave the same row.
 */
public final class Projection {
    public static final String STATE_CHANGED = "STATE_CHANGED";
    public static final String EFFECT_REQUESTED = "EFFECT_REQUESTED";
    public static final String TRACKING = "TRACKING";

    /*
     * The row follows the newest snapshot. The in-flight details (which request, since when, its deadline, who asked)
     * come only with the request, which travels on its worker's topic, not on orders.events: so they are set apart
     * (START_REQUEST), on the row whose in-flight transition the request serves, whichever of the two arrived first.
     */
    private static final String UPSERT_ORDER = """
            insert into orders (order_id, state, version, customer_id, customer_email, payment_method, shipping_address,
                total_minor, currency, placed_at, updated_at, state_since, payment_reference, label_id, tracking_number,
                note, in_flight, held_reason, flagged_reason, last_event_at, last_event_version)
            values (:id, :state, :version, :customerId, :email, :paymentMethod, :address, :totalMinor, :currency,
                :placedAt, :updatedAt, :at, :paymentReference, :labelId, :trackingNumber, :note, :inFlight,
                :held, :flagged, :at, :version)
            on conflict (order_id) do update set
                state = excluded.state, version = excluded.version, updated_at = excluded.updated_at,
                payment_reference = excluded.payment_reference, label_id = excluded.label_id,
                tracking_number = excluded.tracking_number, note = excluded.note, in_flight = excluded.in_flight,
                state_since = case when :stateChanged then excluded.state_since else orders.state_since end,
                in_flight_effect = case when %1$s then null else orders.in_flight_effect end,
                in_flight_request = case when %1$s then null else orders.in_flight_request end,
                in_flight_since = case when %1$s then null else orders.in_flight_since end,
                in_flight_deadline = case when %1$s then null else orders.in_flight_deadline end,
                in_flight_actor = case when %1$s then null else orders.in_flight_actor end,
                in_flight_role = case when %1$s then null else orders.in_flight_role end,
                held_reason = case when excluded.in_flight is null or %1$s then null
                    when excluded.held_reason is not null then excluded.held_reason else orders.held_reason end,
                flagged_reason = case when :stateChanged then null
                    when excluded.flagged_reason is not null then excluded.flagged_reason else orders.flagged_reason end,
                last_event_at = excluded.last_event_at, last_event_version = excluded.last_event_version
            where (orders.last_event_version, orders.last_event_at)
                  <= (excluded.last_event_version, excluded.last_event_at)"""
            .formatted("excluded.in_flight is distinct from orders.in_flight");

    /** A request a transition waits for: its details on the order while that transition is in flight (newest wins). */
    private static final String START_REQUEST = """
            update orders set in_flight_effect = :effect, in_flight_request = :requestId, in_flight_since = :since,
                in_flight_deadline = :deadline, in_flight_actor = :actorId, in_flight_role = :actorRole
            where order_id = :id and in_flight = :transition and version = :version
              and (in_flight_since is null or in_flight_since <= :since)""";

    private static final String INSERT_HISTORY = """
            insert into order_history (event_id, order_id, version, occurred_at, kind, transition, from_state, to_state,
                effect, reason, actor_id, actor_role)
            values (:eventId, :orderId, :version, :at, :kind, :transition, :from, :to, :effect, :reason, :actorId,
                :actorRole)
            on conflict (event_id) do nothing""";

    private Projection() {}

    /** One event of orders.events or a request topic; see {@link #applyAll(Handle, List)}. */
    public static void apply(Handle handle, OrderEvent event) {
        applyAll(handle, List.of(event));
    }

    /**
     * Events of orders.events and the request topics, in the order they came: each order's row from its snapshot, its
     * lines from its state changes, a history entry per event, and for a request a transition waits for, that
     * transition's in-flight details. Statements of one kind go to the database as one JDBC batch. An order's row is
     * written in rounds (its first event in this batch in the first round, its second in the second, ...), each round's
     * in-flight details right after its upserts, so every row goes through the same steps as one event at a time.
     */
    public static void applyAll(Handle handle, List<OrderEvent> events) {
        Map<String, Integer> seen = new HashMap<>();
        List<List<OrderEvent>> rounds = new ArrayList<>();
        for (OrderEvent event : events) {
            int round = seen.merge(event.getOrderId(), 1, Integer::sum) - 1;
            if (round == rounds.size()) {
                rounds.add(new ArrayList<>());
            }
            rounds.get(round).add(event);
        }
        for (List<OrderEvent> round : rounds) {
            round.sort(Comparator.comparing(OrderEvent::getOrderId));  // rows locked in one order by every writer
            PreparedBatch upserts = handle.prepareBatch(UPSERT_ORDER);
            PreparedBatch requests = handle.prepareBatch(START_REQUEST);
            for (OrderEvent event : round) {
                bindOrder(upserts, event).add();
                if (event.getBody() instanceof EffectRequested r && !r.getCompensation()) {
                    bindRequest(requests, event, r).add();
                }
            }
            execute(upserts);
            execute(requests);
        }
        PreparedBatch lines = handle.prepareBatch("""
                insert into order_lines (order_id, line_no, sku, quantity, unit_minor, currency)
                values (:id, :no, :sku, :quantity, :unit, :currency) on conflict do nothing""");
        PreparedBatch history = handle.prepareBatch(INSERT_HISTORY);
        for (OrderEvent event : events) {
            // Lines never change after PLACE: written from state changes only, not from every request and update,
            // yet still found by a rebuild whose PLACE event has passed the topic's retention.
            if (event.getBody() instanceof StateChanged) {
                int lineNo = 0;
                for (OrderLine line : event.getOrder().getDetails().getLines()) {
                    lines.bind("id", event.getOrderId()).bind("no", lineNo++).bind("sku", line.getSku())
                            .bind("quantity", line.getQuantity()).bind("unit", line.getUnitPrice().getAmountMinor())
                            .bind("currency", line.getUnitPrice().getCurrency())
                            .add();
                }
            }
            bindHistory(history, event).add();
        }
        execute(lines);
        execute(history);
    }

    private static PreparedBatch bindOrder(PreparedBatch upsert, OrderEvent event) {
        OrderSnapshot o = event.getOrder();
        Object body = event.getBody();
        TransitionUpdate update = body instanceof TransitionUpdate u ? u : null;
        String held = update != null && update.getStatus() == UpdateStatus.HELD ? update.getReason() : null;
        String flagged = update != null && update.getStatus() == UpdateStatus.FLAGGED ? update.getReason() : null;
        return upsert
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
                .bind("held", held)
                .bind("flagged", flagged)
                .bind("at", time(event.getOccurredAt()))
                .bind("stateChanged", body instanceof StateChanged);
    }

    private static PreparedBatch bindRequest(PreparedBatch start, OrderEvent event, EffectRequested r) {
        return start
                .bind("id", event.getOrderId())
                .bind("transition", r.getTransition().name())
                .bind("version", event.getOrder().getVersion())
                .bind("effect", r.getEffect().name())
                .bind("requestId", r.getRequestId())
                .bind("since", time(event.getOccurredAt()))
                .bind("deadline", time(r.getDeadline()))
                .bind("actorId", event.getActor().getUserId())
                .bind("actorRole", event.getActor().getRole().name());
    }

    private static PreparedBatch bindHistory(PreparedBatch history, OrderEvent event) {
        history.bind("eventId", event.getEventId())
                .bind("orderId", event.getOrderId())
                .bind("version", event.getVersion())
                .bind("at", time(event.getOccurredAt()))
                .bind("actorId", event.getActor().getUserId())
                .bind("actorRole", event.getActor().getRole().name());
        Object body = event.getBody();
        if (body instanceof StateChanged c) {
            return history.bind("kind", STATE_CHANGED).bind("transition", c.getTransition().name())
                    .bind("from", c.getFromState() == null ? null : c.getFromState().name())
                    .bind("to", c.getToState().name()).bind("effect", (String) null).bind("reason", c.getReason());
        }
        if (body instanceof EffectRequested r) {
            return history.bind("kind", EFFECT_REQUESTED).bind("transition", r.getTransition().name())
                    .bind("from", (String) null).bind("to", (String) null).bind("effect", r.getEffect().name())
                    .bind("reason", r.getCompensation() ? "compensation of " + r.getTargetRequestId() : null);
        }
        TransitionUpdate u = (TransitionUpdate) body;
        return history.bind("kind", u.getStatus().name())
                .bind("transition", u.getTransition() == null ? null : u.getTransition().name())
                .bind("from", (String) null).bind("to", (String) null).bind("effect", (String) null)
                .bind("reason", u.getReason());
    }

    private static void execute(PreparedBatch batch) {
        if (batch.size() > 0) {
            batch.execute();
        }
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

    /** A posting of the finance ledger (the audit worker's): what the refunds report holds against the promise. */
    public static void apply(Handle handle, LedgerEntry entry) {
        handle.createUpdate("""
                insert into ledger_entries (entry_id, order_id, kind, amount_minor, currency, payment_reference,
                    request_id, occurred_at, posted_at)
                values (:entryId, :orderId, :kind, :amount, :currency, :reference, :requestId, :occurredAt, :postedAt)
                on conflict (entry_id) do nothing""")
                .bind("entryId", entry.getEntryId())
                .bind("orderId", entry.getOrderId())
                .bind("kind", entry.getKind().name())
                .bind("amount", entry.getAmount().getAmountMinor())
                .bind("currency", entry.getAmount().getCurrency())
                .bind("reference", entry.getPaymentReference())
                .bind("requestId", entry.getRequestId())
                .bind("occurredAt", time(entry.getOccurredAt()))
                .bind("postedAt", time(entry.getPostedAt()))
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
