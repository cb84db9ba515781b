package io.orderflow.common.outbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.TimeGauge;
import io.orderflow.common.app.Backoff;
import io.orderflow.common.app.Pause;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.logging.LogContext;
import io.orderflow.common.metrics.ScrapeSample;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes one schema's outbox rows to Kafka in {@code seq} order and deletes them once Kafka has them. Runs on its
 * own thread; woken by the outbox's NOTIFY trigger, with a fallback poll. Any number of relays may run against one
 * schema: the one holding the schema's advisory lock publishes, the others stand by and take over when its database
 * session ends.
 *
 * <p>Delivery is at least once. A batch is sent with an idempotent producer and deleted once Kafka acknowledged every
 * row of it; a relay that dies between the two leaves the rows in place and the next active relay publishes them
 * again. That is safe because every consumer records the message ids it has processed ({@code IdempotentConsumer})
 * and skips repeats. Rows are never deleted unless all of their batch was acknowledged, so a Kafka outage delays
 * messages but never drops them.
 *
 * <p>Why no Kafka transaction: it would make a batch visible all at once and fence a former relay still sending, but
 * neither is needed. Each row is a message of its own, and one order's rows share a partition; a former relay that
 * lost its database session can only still be sending rows the new one also sends from the same oldest undeleted
 * row, in the same order, so the first copy of every message still arrives in order and the later copies are
 * skipped. A transaction per batch cost the broker about four requests and a marker per partition per batch
 * (docs/benchmarks.md).
 */
public final class OutboxRelay implements AutoCloseable {
    /** The channel the outbox trigger notifies, with the schema name as payload. */
    public static final String CHANNEL = "orderflow_outbox";
    /** Record headers carrying the outbox row's id and type (Debezium's router puts the id in a header "id" too). */
    public static final String ID_HEADER = "id";
    public static final String TYPE_HEADER = "type";

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    private static final Duration WAIT_SLICE = Duration.ofMillis(250);
    private static final AtomicLong INSTANCES = new AtomicLong();
    private static final String SELECT_BATCH = """
            select seq, id, aggregatetype, aggregateid, type, payload, created_at
            from outbox order by seq limit ?""";
    // By the exact seqs sent, never "seq <= max": a transaction that took a lower seq may commit after this batch was
    // read, and its rows must stay for the next batch.
    private static final String DELETE_SENT = "delete from outbox where seq = any(?)";

    private final Database database;
    private final KafkaConfig kafka;
    private final Settings settings;
    private final Backoff backoff;
    private final long lockKey;
    private final Thread thread;
    private volatile boolean closing;
    private volatile boolean active;

    // Owned by the relay thread.
    private Connection connection;
    private Producer<byte[], byte[]> producer;

    private final Counter published;
    private final DistributionSummary batchSizes;
    private final AtomicLong lagMillis = new AtomicLong();
    private final List<Meter> meters = new ArrayList<>();

    /** How a relay routes, batches and waits. */
    public record Settings(Function<String, String> topicForAggregateType, int batchSize, Duration pollInterval,
                           Duration takeoverInterval, Duration minBackoff, Duration maxBackoff,
                           Map<String, Object> producerOverrides, MeterRegistry registry) {
        public Settings {
            Objects.requireNonNull(topicForAggregateType, "topicForAggregateType");
            if (batchSize < 1) {
                throw new IllegalArgumentException("batchSize must be positive");
            }
            producerOverrides = Map.copyOf(producerOverrides);
        }

        /**
         * From {@code ORDERFLOW_OUTBOX_*} settings. Routes aggregate type {@code t} to topic {@code t.events}, as
         * Debezium's router would with {@code route.topic.replacement=${routedByValue}.events}.
         */
        public static Settings from(Config config) {
            return new Settings(type -> type + ".events",
                    config.getInt("ORDERFLOW_OUTBOX_BATCH_SIZE", 500),
                    config.getDuration("ORDERFLOW_OUTBOX_POLL_INTERVAL", Duration.ofSeconds(10)),
                    config.getDuration("ORDERFLOW_OUTBOX_TAKEOVER_INTERVAL", Duration.ofSeconds(2)),
                    Duration.ofMillis(200),
                    config.getDuration("ORDERFLOW_OUTBOX_MAX_BACKOFF", Duration.ofSeconds(30)),
                    Map.of(), Metrics.globalRegistry);
        }

        public Settings withTopicForAggregateType(Function<String, String> router) {
            return new Settings(router, batchSize, pollInterval, takeoverInterval, minBackoff, maxBackoff,
                    producerOverrides, registry);
        }

        public Settings withBatchSize(int size) {
            return new Settings(topicForAggregateType, size, pollInterval, takeoverInterval, minBackoff, maxBackoff,
                    producerOverrides, registry);
        }

        public Settings withPollInterval(Duration interval) {
            return new Settings(topicForAggregateType, batchSize, interval, takeoverInterval, minBackoff, maxBackoff,
                    producerOverrides, registry);
        }

        public Settings withTakeoverInterval(Duration interval) {
            return new Settings(topicForAggregateType, batchSize, pollInterval, interval, minBackoff, maxBackoff,
                    producerOverrides, registry);
        }

        /** A Kafka producer setting on top of {@code KafkaConfig}'s, e.g. a shorter {@code max.block.ms}. */
        public Settings withProducerOverride(String key, Object value) {
            Map<String, Object> overrides = new HashMap<>(producerOverrides);
            overrides.put(key, value);
            return new Settings(topicForAggregateType, batchSize, pollInterval, takeoverInterval, minBackoff,
                    maxBackoff, overrides, registry);
        }

        public Settings withRegistry(MeterRegistry meterRegistry) {
            return new Settings(topicForAggregateType, batchSize, pollInterval, takeoverInterval, minBackoff,
                    maxBackoff, producerOverrides, meterRegistry);
        }
    }

    private OutboxRelay(Database database, Config config, Settings settings) {
        this.database = database;
        this.kafka = new KafkaConfig(config);
        this.settings = settings;
        this.backoff = new Backoff(settings.minBackoff(), settings.maxBackoff());
        this.lockKey = lockKey(database.schema());
        var registry = settings.registry();
        String schema = database.schema();
        published = Counter.builder("orderflow.outbox.published").tag("schema", schema)
                .description("outbox rows published to Kafka").register(registry);
        batchSizes = DistributionSummary.builder("orderflow.outbox.batch.size").tag("schema", schema)
                .description("rows per published batch").register(registry);
        meters.add(published);
        meters.add(batchSizes);
        meters.add(TimeGauge.builder("orderflow.outbox.lag", lagMillis, TimeUnit.MILLISECONDS, AtomicLong::get)
                .tag("schema", schema).description("age of the oldest unpublished row when last read")
                .register(registry));
        ScrapeSample<Long> backlog = new ScrapeSample<>("outbox backlog of " + schema, Duration.ofSeconds(5),
                () -> database.jdbi().withHandle(h -> h.createQuery("select count(*) from outbox").mapTo(Long.class).one()));
        meters.add(Gauge.builder("orderflow.outbox.backlog", backlog, b -> toDouble(b.latest())).strongReference(true)
                .tag("schema", schema)
                .description("outbox rows not yet published (read on scrape)").register(registry));
        meters.add(Gauge.builder("orderflow.outbox.active", this, r -> r.active ? 1 : 0).tag("schema", schema)
                .description("1 while this relay holds the schema's publishing lock").register(registry));
        thread = new Thread(this::run, "outbox-relay-" + schema + "-" + INSTANCES.incrementAndGet());
        thread.setDaemon(true);
    }

    private static double toDouble(Long value) {
        return value == null ? Double.NaN : value;
    }

    /** Starts a relay for {@code database}'s schema with settings from {@code config}. */
    public static OutboxRelay start(Database database, Config config) {
        return start(database, config, Settings.from(config));
    }

    public static OutboxRelay start(Database database, Config config, Settings settings) {
        OutboxRelay relay = new OutboxRelay(database, config, settings);
        relay.thread.start();
        return relay;
    }

    /** False once closed or stopped by an error no retry can fix (an {@link Error}); for health checks. */
    public boolean isRunning() {
        return thread.isAlive() && !closing;
    }

    /** True while this relay is the one publishing its schema's outbox. */
    public boolean isActive() {
        return active;
    }

    /** Finishes the batch in progress (publish and delete), then releases the lock and stops. */
    @Override
    public void close() {
        closing = true;
        if (!Pause.awaitExit(thread, Duration.ofSeconds(90))) {
            log.warn("outbox relay for {} did not stop in time", database.schema());
        }
        meters.forEach(settings.registry()::remove);
    }

    private void run() {
        int failures = 0;  // steps failed in a row
        try {
            while (!closing) {
                try {
                    step();
                    failures = 0;
                } catch (Exception e) {
                    if (closing) {
                        break;
                    }
                    Duration wait = backoff.after(++failures);
                    // Database and Kafka outages are expected and need no stack trace; anything else does.
                    if (isSessionLost(e) || e instanceof KafkaException) {
                        log.warn("outbox relay for {}: {}; retrying in {} ms", database.schema(), describe(e),
                                wait.toMillis());
                    } else {
                        log.warn("outbox relay for {} failed; retrying in {} ms", database.schema(),
                                wait.toMillis(), e);
                    }
                    if (isSessionLost(e)) {
                        // Another relay may hold the lock by now: without a session we must not publish.
                        closeProducer();
                        closeConnection();
                    }
                    sleep(wait);
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("outbox relay for {} stopped by an unexpected error", database.schema(), e);
            throw e;
        } finally {
            closeProducer();
            closeConnection();
            log.info("outbox relay for {} stopped", database.schema());
        }
    }

    private void step() throws SQLException {
        if (connection == null) {
            connection = database.openDedicatedConnection("orderflow-outbox-relay:" + database.schema());
        }
        if (!active) {
            if (!tryLock()) {
                sleep(settings.takeoverInterval());
                return;
            }
            try (Statement s = connection.createStatement()) {
                // Only the active relay listens: a standby would let notifications pile up unread.
                s.execute("listen " + CHANNEL);
            }
            active = true;
            log.info("outbox relay for {} is active", database.schema());
        }
        if (producer == null) {
            producer = newProducer();
        }
        while (!closing && publishBatch() == settings.batchSize()) {
            // A full batch: more rows are probably waiting.
        }
        awaitNotification(settings.pollInterval());
    }

    private int publishBatch() throws SQLException {
        // Notifications that came in so far are answered by this read; dropping them spares an empty read later.
        connection.unwrap(PGConnection.class).getNotifications();
        List<Row> rows = readBatch();
        if (rows.isEmpty()) {
            lagMillis.set(0);
            return 0;
        }
        lagMillis.set(Math.max(0, Duration.between(rows.get(0).createdAt(), Instant.now()).toMillis()));
        send(rows);
        // If this relay dies right here, the batch is in Kafka but its rows remain and will be published again by
        // whichever relay is active next. Consumers dedupe by message id, so the repeat changes nothing.
        try (PreparedStatement delete = connection.prepareStatement(DELETE_SENT)) {
            delete.setArray(1, connection.createArrayOf("bigint", rows.stream().map(Row::seq).toArray(Long[]::new)));
            delete.executeUpdate();
        }
        published.increment(rows.size());
        batchSizes.record(rows.size());
        if (log.isDebugEnabled()) {
            for (Row row : rows) {
                try (LogContext ignored = LogContext.order(row.aggregateId())) {
                    log.debug("published outbox row {} ({}) to {}", row.id(), row.type(),
                            settings.topicForAggregateType().apply(row.aggregateType()));
                }
            }
        }
        return rows.size();
    }

    private List<Row> readBatch() throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement select = connection.prepareStatement(SELECT_BATCH)) {
            select.setInt(1, settings.batchSize());
            try (ResultSet rs = select.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                            rs.getBytes(6), rs.getTimestamp(7).toInstant()));
                }
            }
        }
        return rows;
    }

    /**
     * Sends a batch and waits until Kafka acknowledged all of it; throws if any row was not taken. The first failure
     * closes the producer at once, which drops every row not yet sent: a later row of the same order must never get
     * through ahead of an earlier one that failed (the rows stay and go out again, in order, from a fresh producer).
     */
    private void send(List<Row> rows) {
        Producer<byte[], byte[]> sending = producer;
        AtomicReference<Exception> failure = new AtomicReference<>();
        Callback onAck = (metadata, error) -> {
            if (error != null && failure.compareAndSet(null, error)) {
                sending.close(Duration.ZERO);  // zero: this may run on the producer's own thread
            }
        };
        try {
            for (Row row : rows) {
                if (failure.get() != null) {
                    break;
                }
                var headers = new RecordHeaders();
                headers.add(ID_HEADER, row.id().getBytes(StandardCharsets.UTF_8));
                headers.add(TYPE_HEADER, row.type().getBytes(StandardCharsets.UTF_8));
                String topic = settings.topicForAggregateType().apply(row.aggregateType());
                sending.send(new ProducerRecord<>(topic, null, row.aggregateId().getBytes(StandardCharsets.UTF_8),
                        row.payload(), headers), onAck);
            }
            if (failure.get() == null) {
                sending.flush();
            }
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
        }
        if (failure.get() != null) {
            closeProducer();
            throw new KafkaException("Kafka did not take the batch: " + failure.get(), failure.get());
        }
    }

    private Producer<byte[], byte[]> newProducer() {
        Properties props = kafka.producer("outbox-relay-" + database.schema());
        props.putAll(settings.producerOverrides());
        return new KafkaProducer<>(props);
    }

    private boolean tryLock() throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
            s.setLong(1, lockKey);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** Waits until rows of this schema commit (NOTIFY), {@code timeout} passes, or the relay closes. */
    private void awaitNotification(Duration timeout) throws SQLException {
        PGConnection pg = connection.unwrap(PGConnection.class);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!closing) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0) {
                return;
            }
            // In slices, so close() is noticed quickly; a slice returns as soon as a notification arrives.
            PGNotification[] notifications = pg.getNotifications((int) Math.min(remainingMillis, WAIT_SLICE.toMillis()));
            if (notifications != null) {
                for (PGNotification n : notifications) {
                    if (database.schema().equals(n.getParameter())) {
                        return;
                    }
                }
            }
        }
    }

    private void sleep(Duration duration) {
        if (!Pause.sleep(duration, WAIT_SLICE, () -> closing)) {
            closing = true;  // interrupted: stop as if closed
        }
    }

    /** The error and, if different, its root cause: Kafka's outer messages often hide the reason. */
    static String describe(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == error ? error.toString() : error + " (cause: " + root + ")";
    }

    private static boolean isSessionLost(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    private void closeProducer() {
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("closing outbox producer: {}", e.toString());
            }
            producer = null;
        }
    }

    private void closeConnection() {
        if (active) {
            log.info("outbox relay for {} is no longer active", database.schema());
        }
        active = false;
        if (connection != null) {
            try {
                connection.close();  // ends the session, which releases the advisory lock
            } catch (SQLException e) {
                log.debug("closing outbox relay connection: {}", e.toString());
            }
            connection = null;
        }
    }

    /**
     * The advisory-lock key for a schema's relays. 64 bits of a SHA-256, so two schemas of one database practically
     * never share a lock (which would leave one of them without a publisher).
     */
    static long lockKey(String schema) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("orderflow.outbox:" + schema).getBytes(StandardCharsets.UTF_8));
            long key = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                key = (key << 8) | (digest[i] & 0xff);
            }
            return key;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Row(long seq, String id, String aggregateType, String aggregateId, String type, byte[] payload,
                       Instant createdAt) {}
}
