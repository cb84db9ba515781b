package io.orderflow.schema.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The build gate for schema changes: it fails on a change that older data could not be read through. */
class SchemaCompatibilityTest {

    static Stream<Class<?>> messageTypes() {
        return MessageTypes.ALL.stream().map(c -> c);
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void currentSchemaIsReleased(Class<?> type) {
        Schema current = SpecificData.getForClass(type).getSchema(type);
        List<Schema> released = ReleasedSchemas.of(current);
        assertThat(released)
                .as("%s changed since its last released version; run `mvn -q -pl schemas compile exec:java`"
                        + " to record it in schemas/released/", current.getName())
                .isNotEmpty()
                .last()
                .matches(last -> SchemaRelease.sameSchema(last, current), "same fingerprint as the current schema");
    }

    @ParameterizedTest
    @MethodSource("messageTypes")
    void currentSchemaReadsEveryReleasedVersion(Class<?> type) {
        Schema current = SpecificData.getForClass(type).getSchema(type);
        for (Schema writer : ReleasedSchemas.of(current)) {
            var result = SchemaCompatibility.checkReaderWriterCompatibility(current, writer).getResult();
            assertThat(result.getCompatibility())
                    .as("%s cannot read an older released version: %s", current.getName(), result.getIncompatibilities())
                    .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        }
    }
}
