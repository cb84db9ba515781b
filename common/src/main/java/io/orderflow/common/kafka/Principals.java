package io.orderflow.common.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Which Kafka principal wrote a record, in its {@value #HEADER} header. Every producer made by {@link KafkaConfig}
 * stamps its own configured principal on what it sends ({@link Stamp}); the engine copies the principal of the
 * command or outcome it handles onto what it emits for it. Kafka does not tell a consumer who produced a record, so
 * the header is only as good as the writers: it is trusted because the broker's ACLs let only known principals write
 * each topic (docs/protocol.md, "Trust").
 */
public final class Principals {
    public static final String HEADER = "orderflow.principal";
    /** The order engine's principal: the only one whose commands may claim the role {@code system}. */
    public static final String ENGINE = "order-engine";
    /** The principal of a client that names none: the command line and tools. */
    public static final String DEFAULT = "cli";

    private Principals() {}

    /** The principal a record names, or null when it names none. */
    public static String of(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(HEADER);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Headers naming {@code principal} (none when it is null). */
    public static Headers headers(String principal) {
        RecordHeaders headers = new RecordHeaders();
        if (principal != null) {
            headers.add(HEADER, principal.getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** The producer interceptor that stamps the producer's configured principal ({@value #CONFIG}) on every record. */
    public static final class Stamp implements ProducerInterceptor<byte[], byte[]> {
        static final String CONFIG = "orderflow.principal";
        private byte[] principal;

        @Override
        public void configure(Map<String, ?> configs) {
            principal = String.valueOf(configs.get(CONFIG)).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
            record.headers().remove(HEADER).add(HEADER, principal);
            return record;
        }

        @Override
        public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

        @Override
        public void close() {}
    }
}
