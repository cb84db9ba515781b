package io.orderflow.schema.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Loads every released version of a record's schema, {@code v1.avsc} upwards, from the classpath. */
public final class ReleasedSchemas {
    private static final String ROOT = "/io/orderflow/schema/released/";

    private ReleasedSchemas() {}

    public static List<Schema> of(Schema current) {
        List<Schema> versions = new ArrayList<>();
        for (int v = 1; ; v++) {
            try (InputStream in = ReleasedSchemas.class.getResourceAsStream(path(current, v))) {
                if (in == null) {
                    return versions;
                }
                versions.add(new Schema.Parser().parse(in));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read released schema " + path(current, v), e);
            }
        }
    }

    static String path(Schema schema, int version) {
        return ROOT + schema.getName() + "/v" + version + ".avsc";
    }
}
