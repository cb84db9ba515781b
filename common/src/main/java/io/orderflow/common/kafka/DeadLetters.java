package io.orderflow.common.kafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records: the original key and value, untouched, sent to {@code <topic>.dlt} with headers saying what
 * failed and where the record came from, so ops can inspect it and replay it to the source topic
 * ({@code io.orderflow.common.dlt}). A replayed record carries its {@link #ORIGIN}, {@link #ATTEMPTS} and
 * {@link #FIRST_FAILED} headers along, so when it fails again it returns here with the same origin and one more attempt.
 */
public final class DeadLetters {
    public static final String SUFFIX = ".dlt";
    public static final String ERROR = "orderflow.error";
    public static final String ERROR_CLASS = "orderflow.error.class";
    public static final String STACK_TRACE = "orderflow.error.stacktrace";
    public static final String SOURCE_TOPIC = "orderflow.source.topic";
    public static final String SOURCE_PARTITION = "orderflow.source.partition";
    public static final String SOURCE_OFFSET = "orderflow.source.offset";
    public static final String FAILED_BY = "orderflow.failed.by";
    /** Where the record first failed, {@code topic/partition/offset}: the same across replays that fail again. */
    public static final String ORIGIN = "orderflow.origin";
    /** How many times processing the record failed (1 for the first dead letter). */
    public static final String ATTEMPTS = "orderflow.attempts";
    /** When the record first failed (ISO-8601 instant). */
    public static final String FIRST_FAILED = "orderflow.first.failed";
    /** On a replayed record: the consumer group it is replayed for (the dead letter's {@link #FAILED_BY}). */
    public static final String REPLAY_FOR = "orderflow.replay.for";
    /** On a replayed record: the dead letter it came from, {@code dlt-topic/partition/offset}. */
    public static final String REPLAY_OF = "orderflow.replay.of";

    private DeadLetters() {}

    public static String topicFor(String sourceTopic) {
        return sourceTopic + SUFFIX;
    }

    public static ProducerRecord<byte[], byte[]> record(String sourceTopic, int partition, long offset, byte[] key,
                                                        byte[] value, Headers original, Throwable error,
                                                        String failedBy) {
        Headers headers = new RecordHeaders(original == null ? new RecordHeaders() : original);
        String origin = header(headers, ORIGIN);
        String firstFailed = header(headers, FIRST_FAILED);
        headers.remove(REPLAY_FOR);
        headers.remove(REPLAY_OF);
        put(headers, ORIGIN, origin != null ? origin : coordinates(sourceTopic, partition, offset));
        put(headers, ATTEMPTS, Integer.toString(attempts(headers) + 1));
        put(headers, FIRST_FAILED, firstFailed != null ? firstFailed : Instant.now().toString());
        put(headers, ERROR, String.valueOf(error.getMessage()));
        put(headers, ERROR_CLASS, error.getClass().getName());
        put(headers, STACK_TRACE, stackTrace(error));
        put(headers, SOURCE_TOPIC, sourceTopic);
        put(headers, SOURCE_PARTITION, Integer.toString(partition));
        put(headers, SOURCE_OFFSET, Long.toString(offset));
        put(headers, FAILED_BY, failedBy);
        return new ProducerRecord<>(topicFor(sourceTopic), null, key, value, headers);
    }

    /** The reason for a record with no value (a tombstone) where values are required. */
    public static String tombstone(String topic) {
        return "empty record (tombstone) on " + topic;
    }

    /** {@code topic/partition/offset}, the form of {@link #ORIGIN} and {@link #REPLAY_OF}. */
    public static String coordinates(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** The failed attempts a record's headers count (0 for a record that never failed). */
    public static int attempts(Headers headers) {
        String attempts = header(headers, ATTEMPTS);
        try {
            return attempts == null ? 0 : Integer.parseInt(attempts.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public static String header(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String trace = out.toString();
        return trace.length() > 8_000 ? trace.substring(0, 8_000) : trace;
    }
}
