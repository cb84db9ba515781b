package io.orderflow.common.kafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Dead-letter records: the original key and value, untouched, sent to {@code <topic>.dlt} with headers saying what
 * failed and where the record came from, so ops can inspect it and replay it to the source topic.
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

    private DeadLetters() {}

    public static String topicFor(String sourceTopic) {
        return sourceTopic + SUFFIX;
    }

    public static ProducerRecord<byte[], byte[]> record(String sourceTopic, int partition, long offset, byte[] key,
                                                        byte[] value, Headers original, Throwable error,
                                                        String failedBy) {
        Headers headers = new RecordHeaders(original == null ? new RecordHeaders() : original);
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
