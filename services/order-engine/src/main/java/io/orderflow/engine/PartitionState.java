package io.orderflow.engine;

import io.orderflow.schema.OrderState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the engine keeps per partition (one task's store), beside the orders: how many orders wait on a worker (the
 * busy rule), when each worker last answered a request here (the timeout rule), and the state-count changes not yet
 * sent. Kept in a changelogged store, so it is restored with the orders and stays exactly-once with them. Most records
 * read and write a few of these values: reads come from a copy in memory, taken when the task's processor starts (it
 * starts again whenever Streams restores the store) and written through with every change, as this is the store's
 * only writer.
 */
final class PartitionState {
    private static final String IN_FLIGHT = "in-flight";
    private static final String HEARD = "heard|";
    private static final String COUNT = "count|";
    /** Finer than any timeout needs; spares a store write per outcome. */
    private static final Duration HEARD_RESOLUTION = Duration.ofSeconds(1);

    private final KeyValueStore<String, Long> store;
    /** The store's entries; sorted, so state-count changes go out in the store's key order. */
    private final SortedMap<String, Long> values = new TreeMap<>();

    PartitionState(KeyValueStore<String, Long> store) {
        this.store = store;
        try (KeyValueIterator<String, Long> it = store.all()) {
            it.forEachRemaining(entry -> values.put(entry.key, entry.value));
        }
    }

    long inFlight() {
        return value(IN_FLIGHT);
    }

    /** An order started ({@code +1}) or stopped ({@code -1}) waiting on a worker. */
    void addInFlight(long delta) {
        // Never below zero: orders in flight before this count existed were not counted when they started.
        put(IN_FLIGHT, Math.max(0, inFlight() + delta));
    }

    /** When the worker reading {@code requestTopic} last answered a request on this partition, or null. */
    Instant lastHeard(String requestTopic) {
        Long millis = values.get(HEARD + requestTopic);
        return millis == null ? null : Instant.ofEpochMilli(millis);
    }

    void heard(String requestTopic, Instant at) {
        Instant last = lastHeard(requestTopic);
        if (last == null || !at.isBefore(last.plus(HEARD_RESOLUTION))) {
            put(HEARD + requestTopic, at.toEpochMilli());
        }
    }

    /** An order entered ({@code +1}) or left ({@code -1}) {@code state}. */
    void countChange(OrderState state, long delta) {
        String key = COUNT + state.name();
        put(key, value(key) + delta);
    }

    /**
     * The state-count changes since the last call, by state name, zeros included (a state entered and left again still
     * shows up on orders.state-counts); they are cleared.
     */
    List<KeyValue<String, Long>> takeCountChanges() {
        SortedMap<String, Long> counts = values.subMap(COUNT, COUNT + "\uffff");
        List<KeyValue<String, Long>> changes = new ArrayList<>(counts.size());
        counts.forEach((key, delta) -> {
            store.delete(key);
            changes.add(KeyValue.pair(key.substring(COUNT.length()), delta));
        });
        counts.clear();
        return changes;
    }

    private long value(String key) {
        Long v = values.get(key);
        return v == null ? 0 : v;
    }

    private void put(String key, long value) {
        store.put(key, value);
        values.put(key, value);
    }
}
