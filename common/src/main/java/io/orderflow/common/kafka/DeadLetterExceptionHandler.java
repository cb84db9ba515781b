package io.orderflow.common.kafka;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For Kafka Streams apps: a record that cannot be decoded or processed goes to its source topic's dead-letter topic
 * (KIP-1034 responses) and processing goes on, so one poison record never stops the partition.
 */
public final class DeadLetterExceptionHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterExceptionHandler.class);
    private String applicationId = "streams";

    @Override
    public void configure(Map<String, ?> configs) {
        Object id = configs.get(StreamsConfig.APPLICATION_ID_CONFIG);
        if (id != null) {
            applicationId = id.toString();
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(ErrorHandlerContext context,
                                                                ConsumerRecord<byte[], byte[]> record, Exception error) {
        log.warn("dead-lettering undecodable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
                error.getMessage());
        return DeserializationExceptionHandler.Response.resume(List.of(DeadLetters.record(record.topic(), record.partition(), record.offset(),
                record.key(), record.value(), record.headers(), error, applicationId)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(ErrorHandlerContext context, Record<?, ?> record,
                                                           Exception error) {
        log.error("dead-lettering record {}-{}@{} that failed in {}", context.topic(), context.partition(),
                context.offset(), context.processorNodeId(), error);
        return ProcessingExceptionHandler.Response.resume(List.of(DeadLetters.record(context.topic(),
                context.partition(), context.offset(), context.sourceRawKey(), context.sourceRawValue(),
                context.headers(), error, applicationId)));
    }
}
