package io.orderflow.common.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.orderflow.common.config.Config;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Start order, stop order, and what a failed start leaves behind. */
class ServiceHostTest {
    private final List<String> log = new ArrayList<>();

    private Service service(String name) {
        return new Service(name, Set.of(), false, config -> {
            log.add("start " + name);
            return () -> log.add("stop " + name);
        });
    }

    private Service failing(String name) {
        return new Service(name, Set.of(), false, config -> {
            throw new IllegalStateException("port 8093 is taken");
        });
    }

    @Test
    void startsInOrderAndStopsInReverse() throws Exception {
        ServiceHost host = ServiceHost.start(List.of(service("a"), service("b"), service("c")), Config.of(Map.of()));
        assertThat(host.names()).containsExactly("a", "b", "c");
        host.close();
        assertThat(log).containsExactly("start a", "start b", "start c", "stop c", "stop b", "stop a");
        assertThat(host.names()).isEmpty();
    }

    @Test
    void aServiceThatCannotStartStopsTheOnesBeforeItAndIsNamed() {
        assertThatThrownBy(() -> ServiceHost.start(List.of(service("a"), service("b"), failing("c"), service("d")),
                Config.of(Map.of())))
                .isInstanceOf(ServiceHost.StartFailure.class)
                .hasMessage("c failed to start: port 8093 is taken");
        assertThat(log).containsExactly("start a", "start b", "stop b", "stop a");
    }

    @Test
    void oneServiceFailingToStopDoesNotKeepTheOthersRunning() throws Exception {
        Service stubborn = new Service("stubborn", Set.of(), false, config -> () -> {
            throw new IllegalStateException("stuck");
        });
        ServiceHost host = ServiceHost.start(List.of(service("a"), stubborn, service("c")), Config.of(Map.of()));
        host.close();
        assertThat(log).containsExactly("start a", "start c", "stop c", "stop a");
    }

    @Test
    void readinessAsksServicesThatCanTellAndCountsTheOthersReady() throws Exception {
        Service unready = new Service("engine", Set.of(), false, config -> new ReadinessCloseable());
        ServiceHost host = ServiceHost.start(List.of(service("a"), unready), Config.of(Map.of()));
        assertThat(host.readiness()).containsExactly(Map.entry("a", Optional.empty()),
                Map.entry("engine", Optional.of("streams REBALANCING")));
        host.close();
        assertThat(host.readiness()).isEmpty();
    }

    private static final class ReadinessCloseable implements AutoCloseable, Readiness {
        @Override
        public Optional<String> unready() {
            return Optional.of("streams REBALANCING");
        }

        @Override
        public void close() {}
    }
}
