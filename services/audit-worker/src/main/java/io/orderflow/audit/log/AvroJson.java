package io.orderflow.audit.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record in Avro's JSON encoding: always valid JSON (timestamps as epoch milliseconds, union branches named), and
 * readable back into the record with its schema, so the audit keeps the whole message, not a rendering of it.
 */
final class AvroJson {
    private AvroJson() {}

    static String of(SpecificRecord record) {
        // The class's own model carries the logical-type conversions (Instant <-> timestamp-millis).
        SpecificData model = SpecificData.getForClass(record.getClass());
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            JsonEncoder encoder = EncoderFactory.get().jsonEncoder(record.getSchema(), out);
            new SpecificDatumWriter<SpecificRecord>(record.getSchema(), model).write(record, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + record.getSchema().getName() + " as JSON", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
