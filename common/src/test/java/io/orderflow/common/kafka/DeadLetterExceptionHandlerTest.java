package io.orderflow.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.schema.codec.UndecodableRecordException;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.junit.jupiter.api.Test;

class DeadLetterExceptionHandlerTest {

    @Test
    void undecodableRecordIsSentUntouchedToItsTopicsDeadLetterTopicAndProcessingGoesOn() {
        var handler = new DeadLetterExceptionHandler();
        handler.configure(Map.of(StreamsConfig.APPLICATION_ID_CONFIG, "engine"));
        var record = new ConsumerRecord<>("orders.commands", 3, 42L, "o-1".getBytes(), "junk".getBytes());

        DeserializationExceptionHandler.Response response =
                handler.handleError(null, record, new UndecodableRecordException("not a readable OrderCommand"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).hasSize(1);
        ProducerRecord<byte[], byte[]> dead = response.deadLetterQueueRecords().get(0);
        assertThat(dead.topic()).isEqualTo("orders.commands.dlt");
        assertThat(dead.key()).isEqualTo("o-1".getBytes());
        assertThat(dead.value()).isEqualTo("junk".getBytes());
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).isEqualTo("not a readable OrderCommand");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("3");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("42");
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.FAILED_BY)).isEqualTo("engine");
    }
}
