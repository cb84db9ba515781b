package io.orderflow.domain;

import java.util.ArrayList;
import java.util.List;

/**
 * What the engine does about a worker's outcome or a deadline: the order to keep, and the state changes, effect
 * requests and updates to emit, in that order.
 */
public record Reaction(Order order, List<StateChange> changes, List<EffectRequest> requests, List<OrderUpdate> updates) {
    public Reaction {
        changes = List.copyOf(changes);
        requests = List.copyOf(requests);
        updates = List.copyOf(updates);
    }

    static Reaction nothing(Order order) {
        return new Reaction(order, List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return changes.isEmpty() && requests.isEmpty() && updates.isEmpty();
    }

    Reaction plus(Reaction later) {
        List<StateChange> c = new ArrayList<>(changes);
        c.addAll(later.changes);
        List<EffectRequest> r = new ArrayList<>(requests);
        r.addAll(later.requests);
        List<OrderUpdate> u = new ArrayList<>(updates);
        u.addAll(later.updates);
        return new Reaction(later.order, c, r, u);
    }
}
