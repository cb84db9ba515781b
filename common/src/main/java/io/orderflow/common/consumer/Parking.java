package io.orderflow.common.consumer;

import io.orderflow.common.kafka.DeadLetters;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.jdbi.v3.core.Handle;

/**
 * Per-order parking for {@link IdempotentConsumer}, in the service's schema ({@code parked_orders},
 * {@code parked_messages}). When the consumer dead-letters a record of an order, the order is blocked for that
 * consumer group; the group's later records of the order are parked here, untouched and in arrival order, rather than
 * processed ahead of the one in the dead-letter topic. The blocking record comes back either as a redelivery of
 * itself or as a replay from the dead-letter topic (same {@link DeadLetters#ORIGIN}); when it then goes through, the
 * order is unblocked and its parked records are processed, in order, in the same transaction. If one of them fails it
 * blocks the order in turn and the rest stay parked behind it.
 */
public final class Parking {
    /** An order blocked by a dead-lettered record: where that record first failed, and why. */
    record Block(String orderKey, String origin, String reason) {
        /** True for the blocking record itself: its redelivery, or its replay from the dead-letter topic. */
        boolean isReleasedBy(ConsumerRecord<byte[], byte[]> raw) {
            return origin.equals(originOf(raw));
        }
    }

    /** What {@code orderflow dlt parked} shows: one blocked order of one consumer group, in one schema. */
    public record ParkedOrder(String schema, String consumerGroup, String orderKey, String origin, String reason,
                              Instant since, long parkedRecords) {}

    private final String group;
    /**
     * The group's keys that may be blocked (a superset: a lifted block stays until the next load), or null when not
     * known, e.g. after partitions came from another instance. Blocks are added and lifted only by the consumer owning
     * the order's partition, so between assignments this one knows all of its own: most batches need no query.
     */
    private Set<String> mayBeBlocked;

    Parking(String group) {
        this.group = group;
    }

    /** Partitions were assigned: blocks another instance made may have come with them. */
    void forgetKnownBlocks() {
        mayBeBlocked = null;
    }

    /** The blocks among {@code keys}, by key; mutable, so the caller can follow blocks it adds and lifts. */
    Map<String, Block> blocks(Handle handle, Collection<String> keys) {
        Map<String, Block> blocks = new HashMap<>();
        if (mayBeBlocked == null) {
            mayBeBlocked = new HashSet<>(handle.createQuery(
                            "select order_key from parked_orders where consumer_group = :group")
                    .bind("group", group).mapTo(String.class).list());
        }
        if (keys.isEmpty() || keys.stream().noneMatch(mayBeBlocked::contains)) {
            return blocks;
        }
        handle.createQuery("""
                        select order_key, origin, reason from parked_orders
                        where consumer_group = :group and order_key = any(:keys)""")
                .bind("group", group)
                .bindArray("keys", String.class, keys)
                .map((rs, ctx) -> new Block(rs.getString(1), rs.getString(2), rs.getString(3)))
                .forEach(block -> blocks.put(block.orderKey(), block));
        return blocks;
    }

    /** Blocks the record's order behind it (an order already blocked keeps its first block). */
    Block block(Handle handle, String key, ConsumerRecord<byte[], byte[]> raw, Throwable error) {
        Block block = new Block(key, originOf(raw), String.valueOf(error.getMessage()));
        block(handle, block);
        return block;
    }

    void block(Handle handle, Block block) {
        if (mayBeBlocked != null) {
            mayBeBlocked.add(block.orderKey());
        }
        handle.createUpdate("""
                        insert into parked_orders (consumer_group, order_key, origin, reason)
                        values (:group, :key, :origin, :reason) on conflict do nothing""")
                .bind("group", group).bind("key", block.orderKey()).bind("origin", block.origin())
                .bind("reason", block.reason())
                .execute();
    }

    void unblock(Handle handle, String key) {
        handle.createUpdate("delete from parked_orders where consumer_group = :group and order_key = :key")
                .bind("group", group).bind("key", key).execute();
    }

    /** Parks the record behind its order's block; a redelivered record that is parked already stays parked once. */
    void park(Handle handle, String key, ConsumerRecord<byte[], byte[]> raw) {
        handle.createUpdate("""
                        insert into parked_messages (consumer_group, order_key, topic, kafka_partition, kafka_offset,
                            record_key, record_value, record_headers, record_time)
                        values (:group, :key, :topic, :partition, :offset, :recordKey, :value, :headers, :time)
                        on conflict do nothing""")
                .bind("group", group).bind("key", key).bind("topic", raw.topic()).bind("partition", raw.partition())
                .bind("offset", raw.offset()).bind("recordKey", raw.key()).bind("value", raw.value())
                .bind("headers", encodeHeaders(raw.headers())).bind("time", raw.timestamp())
                .execute();
    }

    /** The order's first parked record, removed from the table (in the caller's transaction or savepoint). */
    Optional<ConsumerRecord<byte[], byte[]>> takeNext(Handle handle, String key) {
        Optional<Parked> next = handle.createQuery("""
                        select seq, topic, kafka_partition, kafka_offset, record_key, record_value, record_headers,
                            record_time
                        from parked_messages where consumer_group = :group and order_key = :key
                        order by seq limit 1""")
                .bind("group", group).bind("key", key)
                .map((rs, ctx) -> new Parked(rs.getLong(1), new ConsumerRecord<>(rs.getString(2), rs.getInt(3),
                        rs.getLong(4), rs.getLong(8), TimestampType.CREATE_TIME, -1, -1, rs.getBytes(5),
                        rs.getBytes(6), decodeHeaders(rs.getBytes(7)), Optional.empty(), Optional.empty())))
                .findOne();
        next.ifPresent(parked -> handle.createUpdate("delete from parked_messages where consumer_group = :group "
                + "and seq = :seq").bind("group", group).bind("seq", parked.seq()).execute());
        return next.map(Parked::record);
    }

    /** Where a record first failed: its {@link DeadLetters#ORIGIN} header when replayed, else where it is now. */
    static String originOf(ConsumerRecord<byte[], byte[]> raw) {
        String origin = DeadLetters.header(raw.headers(), DeadLetters.ORIGIN);
        return origin != null ? origin : DeadLetters.coordinates(raw.topic(), raw.partition(), raw.offset());
    }

    /** A record replayed from a dead-letter topic for another consumer group of the same topic: not ours to redo. */
    static boolean isReplayForAnotherGroup(ConsumerRecord<byte[], byte[]> raw, String group) {
        String replayFor = DeadLetters.header(raw.headers(), DeadLetters.REPLAY_FOR);
        return replayFor != null && !replayFor.equals(group);
    }

    static String keyOf(ConsumerRecord<byte[], byte[]> raw) {
        return raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
    }

    /**
     * Every blocked order of every consumer group in every schema of the database {@code connection} reaches,
     * oldest first, with the number of records parked behind it.
     */
    public static List<ParkedOrder> all(Connection connection) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("select table_schema from information_schema.tables "
                     + "where table_name = 'parked_orders' order by table_schema")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        List<ParkedOrder> parked = new ArrayList<>();
        for (String schema : schemas) {
            String quoted = "\"" + schema.replace("\"", "\"\"") + "\"";  // a name from the catalog, quoted anyway
            String sql = "select o.consumer_group, o.order_key, o.origin, o.reason, o.since, "
                    + "(select count(*) from " + quoted + ".parked_messages m where m.consumer_group = o.consumer_group"
                    + " and m.order_key = o.order_key) from " + quoted + ".parked_orders o order by o.since";
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    parked.add(new ParkedOrder(schema, rs.getString(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getLong(6)));
                }
            }
        }
        parked.sort((a, b) -> a.since().compareTo(b.since()));
        return parked;
    }

    private record Parked(long seq, ConsumerRecord<byte[], byte[]> record) {}

    /** Headers as bytes: count, then per header its UTF-8 name and its value (length -1 for null). */
    static byte[] encodeHeaders(Headers headers) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            Header[] all = headers.toArray();
            out.writeInt(all.length);
            for (Header header : all) {
                out.writeUTF(header.key());
                out.writeInt(header.value() == null ? -1 : header.value().length);
                if (header.value() != null) {
                    out.write(header.value());
                }
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Headers decodeHeaders(byte[] encoded) {
        RecordHeaders headers = new RecordHeaders();
        if (encoded == null) {
            return headers;
        }
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String key = in.readUTF();
                int length = in.readInt();
                byte[] value = length < 0 ? null : in.readNBytes(length);
                headers.add(key, value);
            }
            return headers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
