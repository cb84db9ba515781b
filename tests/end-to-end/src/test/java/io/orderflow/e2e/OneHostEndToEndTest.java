package io.orderflow.e2e;

import java.util.List;

/** The end-to-end suite with every service in one host process, started as {@code orderflow run} starts them. */
class OneHostEndToEndTest extends ChoreographyEndToEndTest {
    @Override
    Choreography startSystem() throws Exception {
        return Choreography.hosted(STOCK, List.of(List.of()));
    }
}
