package io.orderflow.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.schema.Actor;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    private final AvroCodec<OrderCommand> codec = AvroCodec.of(OrderCommand.class);

    @Test
    void roundTripsASingleObjectEncodedRecord() {
        OrderCommand command = OrderCommand.newBuilder()
                .setCommandId("c-1").setOrderId("o-1").setTransition(Transition.CONFIRM)
                .setActor(new Actor("ann", Role.SUPPORT)).setCorrelationId("k-1")
                .setIssuedAt(Instant.ofEpochMilli(1_700_000_000_000L)).build();

        byte[] bytes = codec.encode(command);

        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        assertThat(codec.decode(bytes)).isEqualTo(command);
    }

    @Test
    void rejectsBytesThatAreNotAnOrderCommand() {
        assertThatThrownBy(() -> codec.decode("{\"orderId\":\"o-1\"}".getBytes()))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("not a readable OrderCommand");
    }

    @Test
    void rejectsAWriterSchemaItHasNeverSeen() throws Exception {
        Schema stranger = SchemaBuilder.record("OrderCommand").namespace("io.orderflow.schema")
                .fields().requiredString("orderId").endRecord();
        GenericRecord record = new GenericData.Record(stranger);
        record.put("orderId", "o-1");
        ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), stranger).encode(record);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);

        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UndecodableRecordException.class)
                .hasMessageContaining("OrderCommand");
    }
}
