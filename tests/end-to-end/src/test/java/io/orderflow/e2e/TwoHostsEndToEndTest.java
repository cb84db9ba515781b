package io.orderflow.e2e;

import java.util.List;

/**
 * The end-to-end suite with the services split over two hosts, as on two machines ({@code orderflow run engine
 * inventory} on one, {@code orderflow run payment shipping notification audit} on the other).
 */
class TwoHostsEndToEndTest extends ChoreographyEndToEndTest {
    @Override
    Choreography startSystem() throws Exception {
        return Choreography.hosted(STOCK, List.of(List.of("engine", "inventory"),
                List.of("payment", "shipping", "notification", "audit")));
    }
}
