package io.orderflow.common.dlt;

import io.orderflow.common.kafka.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

/** One record of a dead-letter topic, with what its {@code orderflow.*} headers say about it. */
public record DeadLetter(String topic, int partition, long offset, Instant timestamp, byte[] key, byte[] value,
                         Headers headers) {

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record) {
        return new DeadLetter(record.topic(), record.partition(), record.offset(),
                Instant.ofEpochMilli(record.timestamp()), record.key(), record.value(), record.headers());
    }

    /** Where it sits: {@code dlt-topic/partition/offset}, the id {@code orderflow dlt show|replay} take. */
    public String id() {
        return DeadLetters.coordinates(topic, partition, offset);
    }

    /** The record key as text: the order id on every Orderflow topic. */
    public String orderId() {
        return key == null ? null : new String(key, StandardCharsets.UTF_8);
    }

    public String error() {
        return header(DeadLetters.ERROR);
    }

    public String errorClass() {
        return header(DeadLetters.ERROR_CLASS);
    }

    public String stackTrace() {
        return header(DeadLetters.STACK_TRACE);
    }

    /** The topic it failed on, and is replayed to; from the topic name when the header is missing. */
    public String sourceTopic() {
        String source = header(DeadLetters.SOURCE_TOPIC);
        return source != null ? source
                : topic.endsWith(DeadLetters.SUFFIX) ? topic.substring(0, topic.length() - DeadLetters.SUFFIX.length())
                : null;
    }

    public Integer sourcePartition() {
        String partition = header(DeadLetters.SOURCE_PARTITION);
        return partition == null ? null : Integer.valueOf(partition);
    }

    public Long sourceOffset() {
        String offset = header(DeadLetters.SOURCE_OFFSET);
        return offset == null ? null : Long.valueOf(offset);
    }

    /** The consumer group or Streams application that failed it. */
    public String failedBy() {
        return header(DeadLetters.FAILED_BY);
    }

    /** Where it first failed, the same across failed replays. */
    public String origin() {
        String origin = header(DeadLetters.ORIGIN);
        return origin != null ? origin : DeadLetters.coordinates(sourceTopic(), sourcePartition() == null ? -1
                : sourcePartition(), sourceOffset() == null ? -1 : sourceOffset());
    }

    /** How often processing it failed; 1 for dead letters written before attempts were counted. */
    public int attempts() {
        return Math.max(1, DeadLetters.attempts(headers));
    }

    /** When it first failed; the dead letter's own time when the header is missing. */
    public Instant firstFailed() {
        String first = header(DeadLetters.FIRST_FAILED);
        try {
            return first == null ? timestamp : Instant.parse(first);
        } catch (DateTimeParseException e) {
            return timestamp;
        }
    }

    private String header(String name) {
        return DeadLetters.header(headers, name);
    }
}
