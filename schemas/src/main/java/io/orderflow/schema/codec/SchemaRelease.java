package io.orderflow.schema.codec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.specific.SpecificData;

/**
 * Records the current schema of every message type as its next released version, when it differs from the
 * last one. Run it when you change a schema; {@code SchemaCompatibilityTest} then checks the change is backward
 * compatible with every earlier version.
 */
public final class SchemaRelease {
    private SchemaRelease() {}

    public static void main(String[] args) throws IOException {
        Path releasedDir = Path.of(args.length > 0 ? args[0] : "schemas/released");
        for (var type : MessageTypes.ALL) {
            Schema current = SpecificData.getForClass(type).getSchema(type);
            List<Schema> released = onDisk(releasedDir.resolve(current.getName()));
            if (!released.isEmpty() && sameSchema(released.get(released.size() - 1), current)) {
                System.out.printf("%-16s unchanged (v%d)%n", current.getName(), released.size());
                continue;
            }
            Path file = releasedDir.resolve(current.getName()).resolve("v" + (released.size() + 1) + ".avsc");
            Files.createDirectories(file.getParent());
            Files.writeString(file, current.toString(true) + "\n");
            System.out.printf("%-16s released as %s%n", current.getName(), file);
        }
    }

    /** The released versions in the source tree (not the classpath, which may be stale until the next build). */
    private static List<Schema> onDisk(Path dir) throws IOException {
        List<Schema> versions = new java.util.ArrayList<>();
        for (int v = 1; Files.exists(dir.resolve("v" + v + ".avsc")); v++) {
            versions.add(new Schema.Parser().parse(dir.resolve("v" + v + ".avsc").toFile()));
        }
        return versions;
    }

    /** Same parsing canonical form, and so the same fingerprint on the wire. */
    static boolean sameSchema(Schema a, Schema b) {
        return SchemaNormalization.parsingFingerprint64(a) == SchemaNormalization.parsingFingerprint64(b);
    }
}
