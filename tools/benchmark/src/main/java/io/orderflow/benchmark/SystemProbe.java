package io.orderflow.benchmark;

import io.orderflow.common.config.Config;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The system's queues, read from outside: committed lag of every consumer group (found, not listed by hand), rows
 * waiting in every schema's outbox and in the notification queue, and the mail sink's pace from the notification
 * tables.
 */
public final class SystemProbe {
    private final Config config;
    private final Admin admin;

    public SystemProbe(Config config, Admin admin) {
        this.config = config;
        this.admin = admin;
    }

    /** Group → records on its input partitions not yet committed (read_committed end offsets); ours left out. */
    public Map<String, Long> consumerLag() throws InterruptedException {
        Map<String, Long> lag = new TreeMap<>();
        try {
            List<String> groups = new ArrayList<>();
            for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) {
                if (!g.groupId().startsWith("bench-")) {
                    groups.add(g.groupId());
                }
            }
            for (String group : groups) {
                Map<TopicPartition, OffsetAndMetadata> committed =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                committed.values().removeIf(java.util.Objects::isNull);
                if (committed.isEmpty()) {
                    continue;
                }
                var ends = admin.listOffsets(committed.keySet().stream().collect(Collectors.toMap(Function.identity(),
                        tp -> OffsetSpec.latest())), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get();
                lag.put(group, committed.entrySet().stream()
                        .mapToLong(e -> Math.max(0, ends.get(e.getKey()).offset() - e.getValue().offset())).sum());
            }
        } catch (ExecutionException e) {
            lag.put("(lag unreadable: " + e.getCause().getMessage() + ")", -1L);
        }
        return lag;
    }

    /** "schema.outbox" → rows not yet relayed, for every schema with an outbox; plus mails still queued. */
    public Map<String, Long> backlog() {
        Map<String, Long> backlog = new TreeMap<>();
        try (Connection db = connect()) {
            List<String> schemas = new ArrayList<>();
            try (var rs = db.createStatement().executeQuery(
                    "select table_schema from information_schema.tables where table_name = 'outbox'")) {
                while (rs.next()) {
                    schemas.add(rs.getString(1));
                }
            }
            for (String schema : schemas) {
                backlog.put(schema + ".outbox", count(db, "select count(*) from \"" + schema + "\".outbox"));
            }
            backlog.put("notification.mail_queue (queued)",
                    count(db, "select count(*) from notification.mail_queue where status = 'queued'"));
        } catch (SQLException e) {
            backlog.put("(backlog unreadable: " + e.getMessage() + ")", -1L);
        }
        return backlog;
    }

    /** Mails sent per second for orders with this id prefix, from {@code since} to the last one sent; null if none. */
    public Double mailsPerSecond(String idPrefix, Instant since) {
        try (Connection db = connect(); var statement = db.prepareStatement(
                "select count(*), extract(epoch from max(sent_at)) from notification.mail_queue"
                        + " where order_id like ? and status = 'sent'")) {
            statement.setString(1, idPrefix + "%");
            try (var rs = statement.executeQuery()) {
                rs.next();
                long sent = rs.getLong(1);
                double last = rs.getDouble(2);
                double seconds = last - since.toEpochMilli() / 1000.0;
                return sent == 0 || seconds <= 0 ? null : Math.round(sent / seconds * 10) / 10.0;
            }
        } catch (SQLException e) {
            return null;
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword());
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (var rs = db.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
