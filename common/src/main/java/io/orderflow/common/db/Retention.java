package io.orderflow.common.db;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prunes dedupe rows (a consumer's {@code processed_messages}, and tables that stand for the same records, such as
 * answered requests or sent mails) once Kafka can no longer redeliver the records they remember.
 *
 * <p>Why pruning never lets a record be processed twice: a dedupe row is needed only while its record can still reach
 * the consumer, and a record can reach it only while it is in the topic's log, whatever the committed offsets say (a
 * group whose offsets expired, or a reset, starts from the earliest record still there). The broker deletes a record
 * with its whole segment, once the segment's newest record is older than {@code retention.ms}; a segment is closed
 * {@code segment.ms} after its first record at the latest. So a record processed at time t is gone from the log by
 * t + {@code retention.ms} + {@code segment.ms}: the <em>redelivery window</em>, read from the topics' own configs at
 * each run. Rows are kept that window plus a margin ({@code ORDERFLOW_RETENTION_MARGIN}, default 1 day, for clock
 * skew and the broker's retention check interval), or longer if {@code ORDERFLOW_RETENTION_KEEP} says so; never less.
 * A topic that keeps records forever ({@code retention.ms=-1}, compacted) means its rows are never pruned.
 *
 * <p>Runs every {@code ORDERFLOW_RETENTION_INTERVAL} (default 1 hour; 0 turns pruning off), in chunks of
 * {@value #CHUNK} rows so no delete holds locks for long.
 */
public final class Retention implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Retention.class);
    private static final int CHUNK = 10_000;
    private static final int TIMEOUT_SECONDS = 10;

    /**
     * Rows of {@code table} that stand for consumed records: those matching {@code condition} (SQL, e.g.
     * {@code status = 'sent'}) are deleted once {@code timeColumn} (when the record was processed) is older than the
     * redelivery window.
     */
    public record Rule(String table, String timeColumn, String condition) {
        /** A consumer group's rows of {@code processed_messages}. */
        public static Rule processedMessages(String consumerGroup) {
            return new Rule("processed_messages", "processed_at",
                    "consumer_group = '" + consumerGroup.replace("'", "''") + "'");
        }
    }

    private final Config config;
    private final Jdbi jdbi;
    private final List<String> topics;
    private final List<Rule> rules;
    private final ScheduledExecutorService scheduler;

    private Retention(Config config, Jdbi jdbi, List<String> topics, List<Rule> rules) {
        this.config = config;
        this.jdbi = jdbi;
        this.topics = List.copyOf(topics);
        this.rules = List.copyOf(rules);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "retention-" + String.join(",", topics));
            t.setDaemon(true);
            return t;
        });
    }

    /** Prunes {@code rules}' rows of records from {@code topics} on a schedule; {@link #close} stops it. */
    public static Retention start(Config config, Jdbi jdbi, List<String> topics, List<Rule> rules) {
        Retention retention = new Retention(config, jdbi, topics, rules);
        Duration interval = config.getDuration("ORDERFLOW_RETENTION_INTERVAL", Duration.ofHours(1));
        if (!interval.isZero()) {
            retention.scheduler.scheduleWithFixedDelay(retention::runQuietly, interval.toMillis(),
                    interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return retention;
    }

    /** One pass now: rows deleted per table (none when a topic keeps its records forever). */
    public Map<String, Integer> pruneNow() throws Exception {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        Optional<Duration> keep = keep();
        if (keep.isEmpty()) {
            log.debug("retention: {} keep records forever; nothing pruned", topics);
            return deleted;
        }
        Instant cutoff = Instant.now().minus(keep.get());
        for (Rule rule : rules) {
            int total = 0;
            int chunk;
            do {
                chunk = jdbi.withHandle(h -> h.createUpdate("delete from " + rule.table() + " where ctid = any(array("
                                + "select ctid from " + rule.table() + " where " + rule.timeColumn() + " < :cutoff and ("
                                + rule.condition() + ") limit " + CHUNK + "))")
                        .bind("cutoff", cutoff).execute());
                total += chunk;
            } while (chunk == CHUNK);
            deleted.put(rule.table(), total);
            if (total > 0) {
                log.info("retention: pruned {} rows of {} older than {} (records of {} can no longer be redelivered)",
                        total, rule.table(), cutoff, topics);
            }
        }
        return deleted;
    }

    /** How long rows are kept: the topics' redelivery window plus the margin, or the configured keep if longer. */
    Optional<Duration> keep() throws Exception {
        Optional<Duration> window = redeliveryWindow();
        Duration margin = config.getDuration("ORDERFLOW_RETENTION_MARGIN", Duration.ofDays(1));
        Duration configured = config.getDuration("ORDERFLOW_RETENTION_KEEP", Duration.ZERO);
        return window.map(w -> w.plus(margin)).map(w -> w.compareTo(configured) >= 0 ? w : configured);
    }

    /** The longest time a record of the topics may stay in the log; empty when one of them keeps records forever. */
    Optional<Duration> redeliveryWindow() throws Exception {
        Properties props = new KafkaConfig(config).admin("orderflow-retention");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
        try (Admin admin = Admin.create(props)) {
            List<ConfigResource> resources = new ArrayList<>();
            topics.forEach(t -> resources.add(new ConfigResource(ConfigResource.Type.TOPIC, t)));
            Duration longest = Duration.ZERO;
            for (org.apache.kafka.clients.admin.Config topicConfig : admin.describeConfigs(resources).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
                long retention = Long.parseLong(topicConfig.get(TopicConfig.RETENTION_MS_CONFIG).value());
                long segment = Long.parseLong(topicConfig.get(TopicConfig.SEGMENT_MS_CONFIG).value());
                String policy = topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                if (retention < 0 || !policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                    return Optional.empty();
                }
                Duration window = Duration.ofMillis(retention).plusMillis(segment);
                longest = window.compareTo(longest) > 0 ? window : longest;
            }
            return Optional.of(longest);
        }
    }

    private void runQuietly() {
        try {
            pruneNow();
        } catch (Exception e) {
            // The next run tries again; rows kept longer than needed are harmless.
            log.warn("retention: pruning rows of {} failed: {}", topics, e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
