package io.orderflow.common.dlt;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Replays dead letters to their source topic, each at most once. Every replay is written in one Kafka transaction
 * with its entry in the replay log (the compacted topic {@code orderflow.dlt-replays}, key: the dead letter's id), so
 * a dead letter is either replayed and logged or neither; a dead letter already in the log is not sent again. The
 * replayed record keeps its key, value and own headers, and carries {@link DeadLetters#ORIGIN},
 * {@link DeadLetters#ATTEMPTS} and {@link DeadLetters#FIRST_FAILED} along (so failing again it returns to the
 * dead-letter topic with one more attempt), plus {@link DeadLetters#REPLAY_FOR} (the group that failed it: other
 * consumer groups of the topic skip it) and {@link DeadLetters#REPLAY_OF}.
 *
 * <p>All replayers share one transactional id, so two running at once fence each other rather than interleave.
 */
public final class Replayer implements AutoCloseable {
    public static final String DEFAULT_LOG_TOPIC = "orderflow.dlt-replays";
    /** Headers that describe the failure; the replayed record leaves them behind. */
    private static final Set<String> FAILURE_HEADERS = Set.of(DeadLetters.ERROR, DeadLetters.ERROR_CLASS,
            DeadLetters.STACK_TRACE, DeadLetters.SOURCE_TOPIC, DeadLetters.SOURCE_PARTITION, DeadLetters.SOURCE_OFFSET,
            DeadLetters.FAILED_BY, DeadLetters.REPLAY_FOR, DeadLetters.REPLAY_OF);

    public enum Status { REPLAYED, ALREADY_REPLAYED, WOULD_REPLAY }

    /** What became of one dead letter; {@code note} says where it went, or when it was replayed before. */
    public record Result(DeadLetter letter, Status status, String note) {}

    private final Config config;
    private final String logTopic;
    private final Duration timeout;
    private KafkaProducer<byte[], byte[]> producer;

    /** The replay log topic is {@code ORDERFLOW_DLT_REPLAY_LOG}, default {@value #DEFAULT_LOG_TOPIC}. */
    public Replayer(Config config, Duration timeout) {
        this(config, config.get("ORDERFLOW_DLT_REPLAY_LOG", DEFAULT_LOG_TOPIC), timeout);
    }

    public Replayer(Config config, String logTopic, Duration timeout) {
        this.config = config;
        this.logTopic = logTopic;
        this.timeout = timeout;
    }

    /** The replay log: dead letter id to what was logged when it was replayed. */
    public Map<String, String> replayed() {
        Map<String, String> log = new HashMap<>();
        try (DeadLetterTopics reader = new DeadLetterTopics(config, timeout)) {
            // The log is read like a dead-letter topic: every committed record, key to value.
            for (DeadLetter entry : reader.read(logTopic)) {
                log.put(text(entry.key()), text(entry.value()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the replay log topic " + logTopic
                    + " does not exist; create the topics with infra/kafka.sh topics", e);
        }
        return log;
    }

    /**
     * Replays {@code letters} in the order given (or, with {@code dryRun}, only says what it would replay).
     * {@code by} names who asked, for the log.
     */
    public List<Result> replay(List<DeadLetter> letters, boolean dryRun, String by) {
        Map<String, String> done = replayed();
        List<Result> results = new ArrayList<>();
        List<DeadLetter> todo = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DeadLetter letter : letters) {
            if (done.containsKey(letter.id())) {
                results.add(new Result(letter, Status.ALREADY_REPLAYED, done.get(letter.id())));
            } else if (seen.add(letter.id())) {
                todo.add(letter);
                if (dryRun) {
                    results.add(new Result(letter, Status.WOULD_REPLAY, "would go to " + letter.sourceTopic()));
                }
            }
        }
        if (dryRun || todo.isEmpty()) {
            return results;
        }
        KafkaProducer<byte[], byte[]> tx = producer();
        String when = Instant.now().toString();
        try {
            tx.beginTransaction();
            for (DeadLetter letter : todo) {
                String note = "replayed to " + letter.sourceTopic() + " at " + when + " by " + by;
                tx.send(toSource(letter));
                tx.send(new ProducerRecord<>(logTopic, bytes(letter.id()), bytes(note)));
                results.add(new Result(letter, Status.REPLAYED, note));
            }
            tx.commitTransaction();
        } catch (KafkaException e) {
            try {
                tx.abortTransaction();
            } catch (KafkaException ignored) {
                // fenced or broken: nothing was committed either way
            }
            throw new IllegalStateException("replay failed, nothing was replayed: "
                    + DeadLetterTopics.rootMessage(e), e);
        }
        return results;
    }

    /** The record to send back: same key, value and own headers, to the partition its key maps to now. */
    static ProducerRecord<byte[], byte[]> toSource(DeadLetter letter) {
        Headers headers = new RecordHeaders();
        for (Header header : letter.headers()) {
            if (!FAILURE_HEADERS.contains(header.key())) {
                headers.add(header);
            }
        }
        if (letter.failedBy() != null) {
            headers.add(DeadLetters.REPLAY_FOR, bytes(letter.failedBy()));
        }
        headers.add(DeadLetters.REPLAY_OF, bytes(letter.id()));
        // No key, no hash to follow: then back where it came from.
        Integer partition = letter.key() == null ? letter.sourcePartition() : null;
        return new ProducerRecord<>(letter.sourceTopic(), partition, letter.key(), letter.value(), headers);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties props = new KafkaConfig(config).producer("orderflow-dlt-replayer");
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                    config.get("ORDERFLOW_DLT_REPLAY_TRANSACTIONAL_ID", "orderflow-dlt-replayer"));
            props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Math.max(1, timeout.toMillis()));
            producer = new KafkaProducer<>(props);
            producer.initTransactions();
        }
        return producer;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
