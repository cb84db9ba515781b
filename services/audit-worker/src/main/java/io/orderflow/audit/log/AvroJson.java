package io.orderflow.audit.log;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * A record in Avro's JSON encoding: always valid JSON (timestamps as epoch milliseconds, union branches named), and
 * readable back into the record with its schema, so the audit keeps the whole message, not a rendering of it.
 */
final class AvroJson {
    /**
     * A JSON encoder builds a parser for its schema's whole grammar when it is created, which cost more than writing
     * the record: each thread keeps one writer and encoder per record class and points it at a new buffer each time.
     */
    private static final ThreadLocal<Map<Class<?>, Writer>> WRITERS = ThreadLocal.withInitial(HashMap::new);

    private AvroJson() {}

    static String of(SpecificRecord record) {
        Map<Class<?>, Writer> writers = WRITERS.get();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            Writer writer = writers.get(record.getClass());
            if (writer == null) {
                writer = Writer.of(record, out);
                writers.put(record.getClass(), writer);
            } else {
                writer.encoder().configure(out);
            }
            writer.datum().write(record, writer.encoder());
            writer.encoder().flush();
        } catch (IOException | RuntimeException e) {
            // An encoder that failed in the middle of a record is in no known state.
            writers.remove(record.getClass());
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new UncheckedIOException("cannot write " + record.getSchema().getName() + " as JSON",
                    (IOException) e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private record Writer(SpecificDatumWriter<SpecificRecord> datum, JsonEncoder encoder) {
        static Writer of(SpecificRecord record, ByteArrayOutputStream out) throws IOException {
            // The class's own model carries the logical-type conversions (Instant <-> timestamp-millis).
            SpecificData model = SpecificData.getForClass(record.getClass());
            return new Writer(new SpecificDatumWriter<>(record.getSchema(), model),
                    EncoderFactory.get().jsonEncoder(record.getSchema(), out));
        }
    }
}
