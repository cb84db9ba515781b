package io.orderflow.common.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.app.Backoff;
import io.orderflow.common.app.Pause;
import io.orderflow.common.config.Config;
import io.orderflow.common.db.Retention;
import io.orderflow.common.db.TransientErrors;
import io.orderflow.common.kafka.ConsumerLag;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.logging.LogContext;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleConsumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.transaction.TransactionIsolationLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer loop that applies each message to the database exactly once. Per polled batch it runs one database
 * transaction: one multi-row insert records the batch's message ids in {@code processed_messages} and returns the
 * new ones (repeats are skipped), and the handler gets all new records at once. It commits the transaction first and
 * the Kafka offsets after, so a crash in between only redelivers messages whose ids are already recorded. Since a
 * redelivery costs only a skip, offsets are committed at most once per {@value #COMMIT_INTERVAL} (1 s) while records
 * keep coming, as soon as a poll finds nothing (within 2 s of the last batch), at once when a batch dead-lettered or
 * parked a record, when partitions are revoked and on close: an offset commit per batch was a broker request and a
 * write per batch and consumer.
 *
 * <p>Records that cannot be decoded go to {@code <topic>.dlt}. If the handler throws for a batch, the transaction
 * rolls back and the batch is redone record by record, each in a savepoint: the failing (poison) record is
 * dead-lettered with its reason and the others are processed once. Transient database failures and
 * {@link RetryLater} retry the whole batch after a backoff.
 *
 * <p>A dead-lettered record blocks its order (its key) for this group: later records of the order are parked until
 * the dead letter is replayed and goes through, then processed in order ({@link Parking}). Records replayed for
 * another consumer group of the same topic ({@code orderflow.replay.for}) are skipped.
 *
 * <pre>{@code
 * IdempotentConsumer.builder(Topics.ORDER_EVENTS, OrderEvent::getEventId)
 *         .groupId("notification-worker")
 *         .handler((handle, event, record) -> queue.add(handle, event))          // one record at a time, or
 *         .batchHandler((handle, records) -> queue.addAll(handle, records))    // the batch at once
 *         .start(config, database.jdbi());
 * }</pre>
 */
public final class IdempotentConsumer<V> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IdempotentConsumer.class);
    private static final AtomicLong INSTANCES = new AtomicLong();
    /** The longest a processed batch's offsets wait before they are committed while records keep coming. */
    public static final String COMMIT_INTERVAL = "ORDERFLOW_CONSUMER_COMMIT_INTERVAL";
    /**
     * How long a poll waits for records before the loop goes round (and commits processed offsets, as the consumer is
     * idle). Each round costs the idle consumer a little CPU, so not shorter; close() wakes a waiting poll at once.
     */
    private static final Duration IDLE_POLL = Duration.ofSeconds(2);
    /** How often a backoff sleep looks whether the consumer is closing. */
    private static final Duration SLEEP_SLICE = Duration.ofMillis(100);
    // One statement for the whole batch; RETURNING names the ids not seen before (a repeat within the batch once).
    private static final String MARK_PROCESSED = """
            insert into processed_messages (consumer_group, message_id, topic, kafka_partition, kafka_offset)
            select ?, m.id, m.topic, m.part, m.off
            from unnest(?::text[], ?::text[], ?::int[], ?::bigint[]) as m(id, topic, part, off)
            on conflict do nothing
            returning message_id""";

    /** What a service does with one new message, in the batch's transaction. Throwing dead-letters the record. */
    @FunctionalInterface
    public interface Handler<V> {
        void handle(Handle handle, V value, ConsumerRecord<String, V> record) throws Exception;
    }

    /**
     * What a service does with the new messages of one polled batch, in their order, in the batch's transaction: one
     * call per batch, so it can share work across records (DAOs attached once, locks taken in one order, multi-row
     * writes). Throwing rolls the batch back; it is then redone with one record per call to find the poison record.
     */
    @FunctionalInterface
    public interface BatchHandler<V> {
        void handle(Handle handle, List<ConsumerRecord<String, V>> records) throws Exception;
    }

    private final Settings<V> settings;
    private final Map<String, Topic<String, V>> topics = new LinkedHashMap<>();
    private final Jdbi jdbi;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> deadLetterProducer;
    private final Thread thread;
    private final Retention retention;
    private final Duration commitInterval;
    // Owned by the consumer thread: the next offsets of processed batches, not yet committed.
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private long lastCommitNanos = System.nanoTime();
    private final Gauge lag;
    private volatile boolean closing;

    private final Counter processed;
    private final Counter duplicates;
    private final Counter deadLettered;
    private final Counter skipped;
    private final Counter parked;
    private final Parking parking;
    private final Counter batchRetries;
    private final Counter batchesRedone;

    private IdempotentConsumer(Settings<V> settings, Config config, Jdbi jdbi) {
        this.settings = settings;
        settings.topics().forEach(t -> topics.put(t.name(), t));
        this.jdbi = jdbi;
        KafkaConfig kafka = new KafkaConfig(config);
        String clientId = settings.groupId() + "-" + INSTANCES.incrementAndGet();
        this.consumer = new KafkaConsumer<>(kafka.consumer(settings.groupId(), clientId));
        this.deadLetterProducer = new KafkaProducer<>(kafka.producer(clientId + "-dlt"));
        MeterRegistry registry = settings.registry();
        processed = counter(registry, "processed");
        duplicates = counter(registry, "duplicate");
        deadLettered = counter(registry, "dead_lettered");
        skipped = counter(registry, "skipped");
        parked = counter(registry, "parked");
        parking = new Parking(settings.groupId());
        batchRetries = Counter.builder("orderflow.consumer.batch.retries").tag("group", settings.groupId())
                .description("batches rolled back and retried after a transient failure").register(registry);
        batchesRedone = Counter.builder("orderflow.consumer.batch.redone").tag("group", settings.groupId())
                .description("batches redone record by record because a record's handler failed").register(registry);
        lag = ConsumerLag.register(registry, settings.groupId(), () -> ConsumerLag.sum(consumer.metrics()));
        List<Retention.Rule> prunable = new ArrayList<>(List.of(Retention.Rule.processedMessages(settings.groupId())));
        prunable.addAll(settings.prunable());
        retention = Retention.start(config, jdbi, List.copyOf(topics.keySet()), prunable);
        commitInterval = config.getDuration(COMMIT_INTERVAL, Duration.ofSeconds(1));
        thread = new Thread(this::run, "consumer-" + settings.groupId());
        thread.setDaemon(true);
    }

    public static <V> Builder<V> builder(Topic<String, V> topic, Function<V, String> messageId) {
        return builder(List.of(topic), messageId);
    }

    /** Several topics with one value type, e.g. {@code Topics.OUTCOMES}. */
    public static <V> Builder<V> builder(List<Topic<String, V>> topics, Function<V, String> messageId) {
        return new Builder<>(topics, messageId);
    }

    /** False once closed or stopped by an error no retry can fix (an {@link Error}); for health checks. */
    public boolean isRunning() {
        return thread.isAlive() && !closing;
    }

    /** Finishes the batch in hand (database commit, dead letters, offset commit), then leaves the group. */
    @Override
    public void close() {
        closing = true;
        consumer.wakeup();  // a poll waiting for records returns at once
        if (!Pause.awaitExit(thread, Duration.ofSeconds(90))) {
            log.warn("consumer {} did not stop in time", settings.groupId());
        }
        retention.close();
        settings.registry().remove(lag);
    }

    /** Prunes this consumer's dedupe rows now (they are pruned on a schedule too, see {@link Retention}). */
    public Map<String, Integer> pruneNow() throws Exception {
        return retention.pruneNow();
    }

    private void run() {
        int failures = 0;  // batches failed in a row
        try {
            consumer.subscribe(topics.keySet(), new CommitOnRevoke());
            while (!closing) {
                ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
                try {
                    records = consumer.poll(IDLE_POLL);
                    if (records.isEmpty()) {
                        commitOffsets();  // idle: the group's committed offsets catch up
                    } else {
                        processBatch(records);
                    }
                    failures = 0;
                } catch (WakeupException e) {
                    // close() woke the poll: the loop ends, and finally commits what was processed.
                } catch (Exception e) {
                    Duration backoff = settings.backoff().after(++failures);
                    batchRetries.increment();
                    // A transient failure needs no stack trace; anything else does.
                    if (TransientErrors.isTransient(e) || e.getCause() instanceof RetryLater) {
                        log.warn("consumer {}: batch of {} records failed ({}); retrying it in {} ms",
                                settings.groupId(), records.count(), rootMessage(e), backoff.toMillis());
                    } else {
                        log.warn("consumer {}: batch of {} records failed; retrying it in {} ms", settings.groupId(),
                                records.count(), backoff.toMillis(), e);
                    }
                    rewind(records);
                    sleep(backoff);
                }
            }
        } catch (RuntimeException | Error e) {
            log.error("consumer {} stopped by an unexpected error", settings.groupId(), e);
            throw e;
        } finally {
            closeQuietly(this::commitOffsets);
            closeQuietly(consumer::close);
            closeQuietly(deadLetterProducer::close);
            log.info("consumer {} stopped", settings.groupId());
        }
    }

    private void processBatch(ConsumerRecords<byte[], byte[]> records) {
        int skippedRecords = 0;
        List<Decoded<V>> wanted = new ArrayList<>(records.count());
        for (ConsumerRecord<byte[], byte[]> raw : records) {
            if (Parking.isReplayForAnotherGroup(raw, settings.groupId())) {
                skippedRecords++;
                continue;
            }
            Decoded<V> decoded = decode(raw);
            if (decoded.error() != null || settings.relevant().test(decoded.record().value())) {
                wanted.add(decoded);
            } else {
                // Not for this service (e.g. another worker's request): no handler call, so nothing to record or dedupe.
                skippedRecords++;
            }
        }
        Tally tally = new Tally();
        if (!wanted.isEmpty()) {
            try {
                inTransaction(handle -> processTogether(handle, wanted, tally));
            } catch (PoisonInBatch e) {
                batchesRedone.increment();
                log.warn("consumer {}: a record of a batch of {} failed ({}); redoing the batch record by record",
                        settings.groupId(), wanted.size(), rootMessage(e.getCause()));
                inTransaction(handle -> processOneByOne(handle, wanted, tally));
            }
        }
        sendDeadLetters(tally.deadLetters);
        processed.increment(tally.processed);
        duplicates.increment(tally.duplicates);
        deadLettered.increment(tally.deadLetters.size());
        parked.increment(tally.parked);
        skipped.increment(skippedRecords);
        uncommitted.putAll(records.nextOffsets());
        // A redelivered dead letter or parked record would be handled again (a second dead letter): commit those now.
        if (!tally.deadLetters.isEmpty() || tally.parked > 0
                || System.nanoTime() - lastCommitNanos >= commitInterval.toNanos()) {
            commitOffsets();
        }
    }

    /** Commits the offsets of the batches processed so far. */
    private void commitOffsets() {
        if (uncommitted.isEmpty()) {
            return;
        }
        try {
            try {
                consumer.commitSync(uncommitted);
            } catch (WakeupException e) {
                consumer.commitSync(uncommitted);  // close() woke it; a wake-up is used up by the call it interrupts
            }
        } catch (KafkaException e) {
            // The database already holds the batches: whoever reads these records again skips them by message id.
            log.warn("consumer {}: offset commit failed ({}); the records may be redelivered and will be skipped",
                    settings.groupId(), e.toString());
        }
        uncommitted.clear();
        lastCommitNanos = System.nanoTime();
    }

    /** Partitions leaving this consumer take their processed offsets with them, so the next owner starts there. */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitOffsets();
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            parking.forgetKnownBlocks();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // Already someone else's: committing would fail; the new owner skips what was processed by message id.
            partitions.forEach(uncommitted::remove);
        }
    }

    private void inTransaction(HandleConsumer<SQLException> work) {
        try {
            if (settings.isolation() == null) {
                jdbi.useTransaction(work);
            } else {
                jdbi.useTransaction(settings.isolation(), work);
            }
        } catch (BatchFailure | PoisonInBatch e) {
            throw e;
        } catch (RuntimeException | SQLException e) {
            throw new BatchFailure("database transaction failed", e);
        }
    }

    /**
     * The usual path: one dedupe statement, one handler call for every new record. A batch with an undecodable
     * record or a record of a blocked order takes the record-by-record path, which dead-letters and parks.
     */
    private void processTogether(Handle handle, List<Decoded<V>> wanted, Tally tally) throws SQLException {
        tally.clear();
        if (wanted.stream().anyMatch(d -> d.error() != null)
                || !parking.blocks(handle, keysOf(wanted)).isEmpty()) {
            processOneByOne(handle, wanted, tally);
            return;
        }
        Set<String> fresh = markProcessed(handle, wanted);
        List<ConsumerRecord<String, V>> news = new ArrayList<>(fresh.size());
        for (Decoded<V> decoded : wanted) {
            if (fresh.remove(decoded.messageId())) {
                news.add(decoded.record());
            } else {
                // Seen before (redelivery after a crash or rebalance, or a duplicate publish by the outbox relay).
                tally.duplicates++;
            }
        }
        if (news.isEmpty()) {
            return;
        }
        try {
            settings.handler().handle(handle, news);
        } catch (Exception e) {
            if (isRetryable(e)) {
                throw new BatchFailure("a batch of " + news.size() + " records must be retried", e);
            }
            throw new PoisonInBatch(e);
        }
        tally.processed = news.size();
    }

    /**
     * The path after a handler failure, or for a batch touching blocked orders: each record in a savepoint of its
     * own, so a poison record's writes and its processed mark are undone and it is dead-lettered (blocking its
     * order), while the others are processed once. A record of a blocked order is parked, unless it is the blocking
     * record itself come back: then it is processed and, if it goes through, releases the records parked behind it.
     */
    private void processOneByOne(Handle handle, List<Decoded<V>> wanted, Tally tally) throws SQLException {
        tally.clear();
        Map<String, Parking.Block> blocks = parking.blocks(handle, keysOf(wanted));
        for (Decoded<V> decoded : wanted) {
            String key = Parking.keyOf(decoded.raw());
            Parking.Block block = key == null ? null : blocks.get(key);
            if (block != null && !block.isReleasedBy(decoded.raw())) {
                parking.park(handle, key, decoded.raw());
                tally.parked++;
                continue;
            }
            Parking.Block blocked = processOne(handle, decoded, tally);
            if (blocked != null) {
                blocks.put(key, blocked);
            } else if (block != null) {
                blocks.remove(key);
                Parking.Block again = release(handle, key, tally);
                if (again != null) {
                    blocks.put(key, again);
                }
            }
        }
    }

    /**
     * The blocking record of {@code key} went through: unblocks the order and processes its parked records in order,
     * until one fails and blocks it again (returned; that record stays parked too, and its replay is deduplicated).
     */
    private Parking.Block release(Handle handle, String key, Tally tally) throws SQLException {
        parking.unblock(handle, key);
        log.info("consumer {}: order {} unblocked; releasing its parked records", settings.groupId(), key);
        Connection connection = handle.getConnection();
        while (true) {
            Savepoint taken = connection.setSavepoint();
            var next = parking.takeNext(handle, key);
            if (next.isEmpty()) {
                connection.releaseSavepoint(taken);
                return null;
            }
            Parking.Block blocked = processOne(handle, decode(next.get()), tally);
            if (blocked != null) {
                connection.rollback(taken);  // keeps the failed record parked: the dead letter is sent after commit
                connection.releaseSavepoint(taken);
                parking.block(handle, blocked);
                return blocked;
            }
            connection.releaseSavepoint(taken);
        }
    }

    /** One record in a savepoint; returns the block it put on its order if it was dead-lettered, else null. */
    private Parking.Block processOne(Handle handle, Decoded<V> decoded, Tally tally) throws SQLException {
        ConsumerRecord<byte[], byte[]> raw = decoded.raw();
        if (decoded.error() != null) {
            tally.deadLetters.add(deadLetter(raw, decoded.error()));
            return blockOrder(handle, raw, decoded.error());
        }
        // Plain JDBC savepoints: Jdbi forgets a savepoint once rolled back to, and then refuses to release it.
        Connection connection = handle.getConnection();
        Savepoint savepoint = connection.setSavepoint();
        if (markProcessed(handle, List.of(decoded)).isEmpty()) {
            connection.releaseSavepoint(savepoint);
            tally.duplicates++;
            return null;
        }
        try (LogContext ignored = LogContext.of(decoded.record().key(), decoded.record().value())) {
            settings.handler().handle(handle, List.of(decoded.record()));
            connection.releaseSavepoint(savepoint);
            tally.processed++;
            return null;
        } catch (Exception e) {
            if (isRetryable(e)) {
                throw new BatchFailure("record " + raw.topic() + "-" + raw.partition() + "@" + raw.offset()
                        + " must be retried", e);
            }
            // Undo this record's writes and its processed mark, so a replay from the dead-letter topic runs it.
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
            try (LogContext ignored = LogContext.of(decoded.record().key(), decoded.record().value())) {
                log.error("consumer {}: dead-lettering record {}-{}@{} (message {}) whose handler failed",
                        settings.groupId(), raw.topic(), raw.partition(), raw.offset(), decoded.messageId(), e);
            }
            tally.deadLetters.add(deadLetter(raw, e));
            return blockOrder(handle, raw, e);
        }
    }

    private Parking.Block blockOrder(Handle handle, ConsumerRecord<byte[], byte[]> raw, Throwable error) {
        String key = Parking.keyOf(raw);
        return key == null ? null : parking.block(handle, key, raw, error);
    }

    private static <V> Set<String> keysOf(List<Decoded<V>> records) {
        Set<String> keys = new HashSet<>();
        for (Decoded<V> decoded : records) {
            String key = Parking.keyOf(decoded.raw());
            if (key != null) {
                keys.add(key);
            }
        }
        return keys;
    }

    /** Records the message ids in one statement; returns those that were new. */
    private Set<String> markProcessed(Handle handle, List<Decoded<V>> batch) throws SQLException {
        int n = batch.size();
        String[] ids = new String[n];
        String[] topicNames = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        for (int i = 0; i < n; i++) {
            ConsumerRecord<byte[], byte[]> raw = batch.get(i).raw();
            ids[i] = batch.get(i).messageId();
            topicNames[i] = raw.topic();
            partitions[i] = raw.partition();
            offsets[i] = raw.offset();
        }
        Connection connection = handle.getConnection();
        Set<String> fresh = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement(MARK_PROCESSED)) {
            insert.setString(1, settings.groupId());
            insert.setArray(2, connection.createArrayOf("text", ids));
            insert.setArray(3, connection.createArrayOf("text", topicNames));
            insert.setArray(4, connection.createArrayOf("int4", partitions));
            insert.setArray(5, connection.createArrayOf("int8", offsets));
            try (ResultSet rs = insert.executeQuery()) {
                while (rs.next()) {
                    fresh.add(rs.getString(1));
                }
            }
        }
        return fresh;
    }

    /** The record decoded with its message id, or with the error that makes it a dead letter. */
    private Decoded<V> decode(ConsumerRecord<byte[], byte[]> raw) {
        Topic<String, V> topic = topics.get(raw.topic());
        try {
            String key = topic.keySerde().deserializer().deserialize(raw.topic(), raw.headers(), raw.key());
            V value = topic.valueSerde().deserializer().deserialize(raw.topic(), raw.headers(), raw.value());
            if (value == null) {
                throw new IllegalArgumentException("record has no value");
            }
            String messageId = settings.messageId().apply(value);
            if (messageId == null || messageId.isBlank()) {
                throw new IllegalArgumentException("record has no message id");
            }
            ConsumerRecord<String, V> record = new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(),
                    raw.timestamp(), raw.timestampType(), raw.serializedKeySize(), raw.serializedValueSize(), key,
                    value, raw.headers(), raw.leaderEpoch(), raw.deliveryCount());
            return new Decoded<>(raw, record, messageId, null);
        } catch (RuntimeException e) {
            try (LogContext ignored = LogContext.order(raw.key() == null ? null
                    : new String(raw.key(), StandardCharsets.UTF_8))) {
                log.warn("consumer {}: undecodable record {}-{}@{}: {}", settings.groupId(), raw.topic(),
                        raw.partition(), raw.offset(), e.getMessage());
            }
            return new Decoded<>(raw, null, null, e);
        }
    }

    private static boolean isRetryable(Exception e) {
        return e instanceof RetryLater || TransientErrors.isTransient(e);
    }

    private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> raw, Throwable error) {
        return DeadLetters.record(raw.topic(), raw.partition(), raw.offset(), raw.key(), raw.value(), raw.headers(),
                error, settings.groupId());
    }

    /**
     * Sends the batch's dead letters and waits for their acks before offsets are committed, so none is lost. On
     * failure it sends them all again: a dead-letter topic may hold a record twice, never miss one.
     */
    private void sendDeadLetters(List<ProducerRecord<byte[], byte[]>> deadLetters) {
        int failures = 0;
        while (!deadLetters.isEmpty()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            try {
                for (ProducerRecord<byte[], byte[]> letter : deadLetters) {
                    acks.add(deadLetterProducer.send(letter));
                }
                deadLetterProducer.flush();
                for (Future<RecordMetadata> ack : acks) {
                    ack.get();
                }
                return;
            } catch (ExecutionException | KafkaException e) {
                if (closing) {
                    // Offsets stay uncommitted: the failed records come back on restart and are dead-lettered then.
                    throw new BatchFailure("closing before dead letters were acknowledged", e);
                }
                Duration backoff = settings.backoff().after(++failures);
                log.warn("consumer {}: sending {} dead letters failed ({}); retrying in {} ms", settings.groupId(),
                        deadLetters.size(), e.toString(), backoff.toMillis());
                sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BatchFailure("interrupted while sending dead letters", e);
            }
        }
    }

    /** Puts each partition of a failed batch back to its first record, so the next poll redelivers the batch. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            try {
                consumer.seek(partition, records.records(partition).get(0).offset());
            } catch (IllegalStateException e) {
                log.debug("partition {} no longer assigned; its new owner starts from the committed offset", partition);
            }
        }
    }

    private void sleep(Duration duration) {
        if (!Pause.sleep(duration, SLEEP_SLICE, () -> closing)) {
            closing = true;  // interrupted: stop as if closed
        }
    }

    private Counter counter(MeterRegistry registry, String outcome) {
        return Counter.builder("orderflow.consumer.records").tag("group", settings.groupId()).tag("outcome", outcome)
                .description("records consumed, by outcome").register(registry);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getMessage() + ": " + root;
    }

    private void closeQuietly(Runnable close) {
        try {
            close.run();
        } catch (RuntimeException e) {
            log.debug("consumer {}: {}", settings.groupId(), e.toString());
        }
    }

    /** A batch that must roll back and be retried whole, never dead-lettered. */
    private static final class BatchFailure extends RuntimeException {
        BatchFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A handler failed for a reason of the record's own: redo the batch record by record. */
    private static final class PoisonInBatch extends RuntimeException {
        PoisonInBatch(Throwable cause) {
            super(cause);
        }
    }

    /** A polled record: decoded with its message id, or the error that makes it a dead letter. */
    private record Decoded<V>(ConsumerRecord<byte[], byte[]> raw, ConsumerRecord<String, V> record, String messageId,
                              RuntimeException error) {}

    /** What one attempt at a batch did; reset if the transaction callback runs again. */
    private static final class Tally {
        final List<ProducerRecord<byte[], byte[]>> deadLetters = new ArrayList<>();
        int processed;
        int duplicates;
        int parked;

        void clear() {
            deadLetters.clear();
            processed = 0;
            duplicates = 0;
            parked = 0;
        }
    }

    /** A builder's values, fixed when the consumer starts. */
    private record Settings<V>(List<Topic<String, V>> topics, Function<V, String> messageId, String groupId,
                               BatchHandler<V> handler, Predicate<V> relevant, Backoff backoff,
                               TransactionIsolationLevel isolation, MeterRegistry registry,
                               List<Retention.Rule> prunable) {}

    /** What a service supplies: topics, message id, group, handler; the rest has defaults. */
    public static final class Builder<V> {
        private final List<Topic<String, V>> topics;
        private final Function<V, String> messageId;
        private String groupId;
        private BatchHandler<V> handler;
        private Predicate<V> relevant = value -> true;
        private Duration minBackoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(30);
        private TransactionIsolationLevel isolation;  // null: the database's default (read committed)
        private MeterRegistry registry = Metrics.globalRegistry;
        private final List<Retention.Rule> prunable = new ArrayList<>();

        private Builder(List<Topic<String, V>> topics, Function<V, String> messageId) {
            if (topics.isEmpty()) {
                throw new IllegalArgumentException("at least one topic");
            }
            this.topics = List.copyOf(topics);
            this.messageId = Objects.requireNonNull(messageId, "messageId");
        }

        /** The consumer group; also the dedupe scope in {@code processed_messages} and the dead letters' "failed by". */
        public Builder<V> groupId(String group) {
            this.groupId = group;
            return this;
        }

        /** Handles one record per call (still one transaction per batch). */
        public Builder<V> handler(Handler<V> recordHandler) {
            Objects.requireNonNull(recordHandler, "handler");
            this.handler = (handle, records) -> {
                for (ConsumerRecord<String, V> record : records) {
                    try (LogContext ignored = LogContext.of(record.key(), record.value())) {
                        recordHandler.handle(handle, record.value(), record);
                    }
                }
            };
            return this;
        }

        /** Handles all new records of a polled batch in one call. */
        public Builder<V> batchHandler(BatchHandler<V> handler) {
            this.handler = Objects.requireNonNull(handler, "batchHandler");
            return this;
        }

        /**
         * Which decoded records the handler wants (default: all). The others are skipped before the transaction
         * touches them: no processed-message row, no handler call. Only for records the handler would
         * ignore anyway; a record that fails to decode is still dead-lettered.
         */
        public Builder<V> relevant(Predicate<V> filter) {
            this.relevant = Objects.requireNonNull(filter, "relevant");
            return this;
        }

        /** Waits between retries of a failed batch: doubling from {@code min} up to {@code max}. */
        public Builder<V> backoff(Duration min, Duration max) {
            this.minBackoff = min;
            this.maxBackoff = max;
            return this;
        }

        public Builder<V> isolation(TransactionIsolationLevel level) {
            this.isolation = level;
            return this;
        }

        public Builder<V> registry(MeterRegistry meterRegistry) {
            this.registry = meterRegistry;
            return this;
        }

        /**
         * Rows besides the group's {@code processed_messages} that remember records of these topics (e.g. sent
         * mails, answered requests): pruned with them once the records can no longer be redelivered ({@link Retention}).
         */
        public Builder<V> prune(Retention.Rule rule) {
            this.prunable.add(Objects.requireNonNull(rule, "rule"));
            return this;
        }

        /** Starts consuming on a thread of its own; {@code jdbi} must work in the schema holding processed_messages. */
        public IdempotentConsumer<V> start(Config config, Jdbi jdbi) {
            Objects.requireNonNull(groupId, "groupId");
            Objects.requireNonNull(handler, "handler");
            IdempotentConsumer<V> consumer = new IdempotentConsumer<>(new Settings<>(topics, messageId, groupId,
                    handler, relevant, new Backoff(minBackoff, maxBackoff), isolation, registry,
                    List.copyOf(prunable)), config, jdbi);
            consumer.thread.start();
            return consumer;
        }
    }
}
