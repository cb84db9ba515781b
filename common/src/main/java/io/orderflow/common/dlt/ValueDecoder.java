package io.orderflow.common.dlt;

import io.orderflow.schema.codec.MessageTypes;
import io.orderflow.schema.codec.ReleasedSchemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;

/**
 * Shows a record value as JSON through the Avro schema its single-object header names (any released version of any
 * Orderflow message type), or as hex when it cannot be decoded, with the reason.
 */
public final class ValueDecoder {
    private static final byte[] MAGIC = {(byte) 0xC3, 0x01};
    private static final int HEADER = 10;  // marker + 8-byte fingerprint
    private static final SchemaStore.Cache SCHEMAS = new SchemaStore.Cache();

    static {
        for (Class<?> type : MessageTypes.ALL) {
            Schema current = SpecificData.get().getSchema(type);
            SCHEMAS.addSchema(current);
            ReleasedSchemas.of(current).forEach(SCHEMAS::addSchema);
        }
    }

    private ValueDecoder() {}

    /** The decoded value: {@code json} set when it decodes, else {@code hex} and {@code problem}. */
    public record Shown(String json, String hex, String problem) {
        public boolean decoded() {
            return json != null;
        }

        @Override
        public String toString() {
            return decoded() ? json : "hex " + hex + " (" + problem + ")";
        }
    }

    public static Shown show(byte[] value) {
        if (value == null) {
            return new Shown(null, "", "no value (tombstone)");
        }
        String hex = HexFormat.of().formatHex(value, 0, Math.min(value.length, 4096))
                + (value.length > 4096 ? "..." : "");
        if (value.length < HEADER || value[0] != MAGIC[0] || value[1] != MAGIC[1]) {
            return new Shown(null, hex, "not Avro single-object encoding (no C3 01 marker)");
        }
        long fingerprint = ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        Schema schema = SCHEMAS.findByFingerprint(fingerprint);
        if (schema == null) {
            return new Shown(null, hex, "unknown schema fingerprint " + Long.toHexString(fingerprint));
        }
        try {
            GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null,
                    DecoderFactory.get().binaryDecoder(value, HEADER, value.length - HEADER, null));
            return new Shown(GenericData.get().toString(record), hex, null);
        } catch (IOException | RuntimeException e) {
            return new Shown(null, hex, "not a readable " + schema.getName() + " (" + e + ")");
        }
    }
}
