package io.orderflow.common.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.db.Database;
import io.orderflow.common.testing.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blocks a consumer knows without asking the database, and when it must ask again. */
class ParkingTest {
    private TestDatabase schema;
    private Database db;

    @BeforeEach
    void setUp() {
        schema = TestDatabase.create();
        db = schema.open("classpath:db/testing/handled");
    }

    @AfterEach
    void tearDown() {
        schema.close();
    }

    @Test
    void aBlockMadeByAnotherInstanceIsSeenOnceThePartitionsWereReassigned() {
        Parking mine = new Parking("group-a");
        Parking theirs = new Parking("group-a");
        db.jdbi().useHandle(h -> assertThat(mine.blocks(h, List.of("order-1"))).isEmpty());

        db.jdbi().useHandle(h -> theirs.block(h, "order-1", record("order-1", 7), new IllegalStateException("bad")));

        // Until an assignment, order-1's partition is the other instance's: this one is not asked about it.
        db.jdbi().useHandle(h -> assertThat(mine.blocks(h, List.of("order-1"))).isEmpty());
        mine.forgetKnownBlocks();
        db.jdbi().useHandle(h -> assertThat(mine.blocks(h, List.of("order-1", "order-2")).keySet())
                .containsExactly("order-1"));
        db.jdbi().useHandle(h -> assertThat(new Parking("group-b").blocks(h, List.of("order-1"))).isEmpty());
    }

    @Test
    void itsOwnBlocksAndTheirLiftingAreSeenWithoutReassignment() {
        Parking parking = new Parking("group-a");
        db.jdbi().useHandle(h -> {
            assertThat(parking.blocks(h, List.of("order-1"))).isEmpty();
            parking.block(h, "order-1", record("order-1", 3), new IllegalStateException("bad"));
            assertThat(parking.blocks(h, List.of("order-1")).get("order-1").reason()).isEqualTo("bad");
            parking.unblock(h, "order-1");
            assertThat(parking.blocks(h, List.of("order-1"))).isEmpty();
        });
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, long offset) {
        return new ConsumerRecord<>("some-topic", 0, offset, key.getBytes(StandardCharsets.UTF_8), new byte[] {1});
    }
}
