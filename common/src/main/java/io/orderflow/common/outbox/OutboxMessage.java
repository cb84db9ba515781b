package io.orderflow.common.outbox;

import io.orderflow.schema.codec.AvroCodec;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * One message for the outbox, in Debezium's outbox terms: {@code aggregateType} picks the topic (the relay maps
 * {@code "inventory"} to {@code inventory.events}), {@code aggregateId} is the order id and Kafka key, {@code payload}
 * the Kafka value.
 */
public record OutboxMessage(UUID id, String aggregateType, String aggregateId, String type, byte[] payload) {
    private static final ConcurrentMap<Class<?>, AvroCodec<?>> CODECS = new ConcurrentHashMap<>();

    public OutboxMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(aggregateType, "aggregateType");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(type, "type");
    }

    /** A message with a fresh id and an already encoded payload. */
    public static OutboxMessage of(String aggregateType, String aggregateId, String type, byte[] payload) {
        return new OutboxMessage(UUID.randomUUID(), aggregateType, aggregateId, type, payload);
    }

    /**
     * A message whose payload is {@code value} in Avro single-object encoding (what the topics' {@code AvroSerde}
     * reads) and whose type is the record's schema name.
     */
    public static OutboxMessage avro(String aggregateType, String aggregateId, SpecificRecord value) {
        return of(aggregateType, aggregateId, value.getSchema().getName(), encode(value));
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> byte[] encode(T value) {
        AvroCodec<T> codec = (AvroCodec<T>) CODECS.computeIfAbsent(value.getClass(),
                type -> AvroCodec.of((Class<T>) type));
        return codec.encode(value);
    }
}
