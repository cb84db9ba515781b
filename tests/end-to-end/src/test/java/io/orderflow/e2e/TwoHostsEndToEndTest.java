package io.orderflow.e2e;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * The end-to-end suite with the services split over two hosts, as on two machines ({@code orderflow run engine
 * inventory} on one, {@code orderflow run payment shipping notification audit} on the other).
 */
class TwoHostsEndToEndTest extends ChoreographyEndToEndTest {
    @BeforeAll
    static void start() throws Exception {
        system = Choreography.hosted(STOCK, List.of(List.of("engine", "inventory"),
                List.of("payment", "shipping", "notification", "audit")));
    }
}
