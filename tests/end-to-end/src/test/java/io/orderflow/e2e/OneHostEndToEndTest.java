package io.orderflow.e2e;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/** The end-to-end suite with every service in one host process, started as {@code orderflow run} starts them. */
class OneHostEndToEndTest extends ChoreographyEndToEndTest {
    @BeforeAll
    static void start() throws Exception {
        system = Choreography.hosted(STOCK, List.of(List.of()));
    }
}
