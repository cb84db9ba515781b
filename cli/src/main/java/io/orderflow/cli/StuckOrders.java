package io.orderflow.cli;

import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Folds orders.events into each order's open troubles: a transition in flight (since when, until which deadline),
 * held on an outside dependency, or flagged for a person. A state change clears a flag; the end of an in-flight
 * transition clears its hold. Then says which orders need a look, why, and what to do.
 */
final class StuckOrders {
    /** One order that needs a look. */
    record Stuck(String orderId, String state, String why, Instant since, String whatToDo) {}

    private final Map<String, Trouble> orders = new HashMap<>();

    private static final class Trouble {
        OrderSnapshot order;
        String inFlight;
        String effect;
        Instant inFlightSince;
        Instant deadline;
        String held;
        Instant heldSince;
        String flagged;
        Instant flaggedSince;
    }

    void accept(OrderEvent event) {
        Trouble t = orders.computeIfAbsent(event.getOrderId(), id -> new Trouble());
        OrderSnapshot order = event.getOrder();
        t.order = order;
        Object body = event.getBody();
        if (body instanceof StateChanged) {
            t.flagged = null;
            t.flaggedSince = null;
        }
        if (order.getPendingTransition() == null) {
            t.inFlight = null;
            t.held = null;
        } else if (body instanceof EffectRequested r && !r.getCompensation()
                && (t.inFlight == null || !t.inFlight.equals(order.getPendingTransition().name()))) {
            t.inFlight = order.getPendingTransition().name();
            t.effect = r.getEffect().name();
            t.inFlightSince = event.getOccurredAt();
            t.deadline = r.getDeadline();
            t.held = null;
        }
        if (body instanceof TransitionUpdate u) {
            if (u.getStatus() == UpdateStatus.HELD && order.getPendingTransition() != null) {
                t.held = u.getReason();
                t.heldSince = event.getOccurredAt();
            } else if (u.getStatus() == UpdateStatus.FLAGGED) {
                t.flagged = u.getReason();
                t.flaggedSince = event.getOccurredAt();
            }
        }
    }

    /** Flagged orders, and orders in flight or held for longer than {@code threshold}; the longest waiting first. */
    List<Stuck> stuck(Instant now, Duration threshold) {
        List<Stuck> stuck = new ArrayList<>();
        Instant before = now.minus(threshold);
        orders.forEach((id, t) -> {
            String state = lower(t.order.getState().name());
            if (t.flagged != null) {
                stuck.add(new Stuck(id, state, "flagged: " + t.flagged, t.flaggedSince,
                        "needs a person: check it (orderflow show " + id + ") and take the transition the reason "
                                + "calls for by hand, e.g. deliver or refund; the flag clears with the next state change"));
            }
            if (t.held != null && t.heldSince.isBefore(before)) {
                stuck.add(new Stuck(id, state, lower(t.inFlight) + " held: " + t.held, t.heldSince,
                        "waits on an outside dependency and resumes by itself when it is back; check the service "
                                + "(scripts/status.sh) and its dead letters (orderflow dlt list); the engine gives up "
                                + "at the hold's deadline and rolls it back"));
            } else if (t.inFlight != null && t.inFlightSince.isBefore(before)) {
                boolean overdue = t.deadline != null && t.deadline.isBefore(now);
                stuck.add(new Stuck(id, state, lower(t.inFlight) + " in flight (" + lower(t.effect) + ", deadline "
                        + t.deadline + ")", t.inFlightSince,
                        (overdue ? "past its deadline: is the order engine running? (scripts/status.sh); "
                                : "waits for the worker: is it running (scripts/status.sh), ")
                                + "is the request dead-lettered or parked (orderflow dlt list, orderflow dlt parked)? "
                                + "Replay it once the cause is fixed; otherwise the engine rolls it back at its deadline"));
            }
        });
        stuck.sort(Comparator.comparing(Stuck::since).thenComparing(Stuck::orderId));
        return stuck;
    }

    private static String lower(String name) {
        return name == null ? "?" : name.toLowerCase(Locale.ROOT);
    }
}
