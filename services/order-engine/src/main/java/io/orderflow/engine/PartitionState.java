package io.orderflow.engine;

import io.orderflow.schema.OrderState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the engine keeps per partition (one task's store), beside the orders: how many orders wait on a worker (the
 * busy rule), when each worker last answered a request here (the timeout rule), and the state-count changes not yet
 * sent. Kept in a changelogged store, so it is restored with the orders and stays exactly-once with them.
 */
final class PartitionState {
    private static final String IN_FLIGHT = "in-flight";
    private static final String HEARD = "heard|";
    private static final String COUNT = "count|";
    /** Finer than any timeout needs; spares a store write per outcome. */
    private static final Duration HEARD_RESOLUTION = Duration.ofSeconds(1);

    private final KeyValueStore<String, Long> store;

    PartitionState(KeyValueStore<String, Long> store) {
        this.store = store;
    }

    long inFlight() {
        return value(IN_FLIGHT);
    }

    /** An order started ({@code +1}) or stopped ({@code -1}) waiting on a worker. */
    void addInFlight(long delta) {
        // Never below zero: orders in flight before this count existed were not counted when they started.
        store.put(IN_FLIGHT, Math.max(0, inFlight() + delta));
    }

    /** When the worker reading {@code requestTopic} last answered a request on this partition, or null. */
    Instant lastHeard(String requestTopic) {
        Long millis = store.get(HEARD + requestTopic);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    void heard(String requestTopic, Instant at) {
        Instant last = lastHeard(requestTopic);
        if (last == null || !at.isBefore(last.plus(HEARD_RESOLUTION))) {
            store.put(HEARD + requestTopic, at.toEpochMilli());
        }
    }

    /** An order entered ({@code +1}) or left ({@code -1}) {@code state}. */
    void countChange(OrderState state, long delta) {
        store.put(COUNT + state.name(), value(COUNT + state.name()) + delta);
    }

    /**
     * The state-count changes since the last call, by state name, zeros included (a state entered and left again still
     * shows up on orders.state-counts); they are cleared.
     */
    List<KeyValue<String, Long>> takeCountChanges() {
        List<KeyValue<String, Long>> entries = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = store.range(COUNT, COUNT + "\uffff")) {
            it.forEachRemaining(entries::add);
        }
        List<KeyValue<String, Long>> changes = new ArrayList<>();
        for (KeyValue<String, Long> entry : entries) {
            store.delete(entry.key);
            changes.add(KeyValue.pair(entry.key.substring(COUNT.length()), entry.value));
        }
        return changes;
    }

    private long value(String key) {
        Long v = store.get(key);
        return v == null ? 0 : v;
    }
}
