package io.orderflow.common.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Metrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The metrics and health endpoint over real HTTP. */
class OpsEndpointTest {
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> get(OpsEndpoint ops, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void readyOnlyWhileEveryCheckPassesNamingTheOneThatFails() throws Exception {
        Map<String, Optional<String>> checks = new LinkedHashMap<>();
        checks.put("kafka", Optional.empty());
        checks.put("order-engine", Optional.empty());
        try (OpsEndpoint ops = OpsEndpoint.start("127.0.0.1", 0, () -> Map.copyOf(checks))) {
            HttpResponse<String> ready = get(ops, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(ready.body()).contains("\"status\":\"UP\"", "\"order-engine\":\"UP\"");

            checks.put("order-engine", Optional.of("streams REBALANCING"));
            HttpResponse<String> unready = get(ops, "/health/ready");
            assertThat(unready.statusCode()).isEqualTo(503);
            assertThat(unready.body()).contains("\"status\":\"DOWN\"", "\"order-engine\":\"DOWN: streams REBALANCING\"",
                    "\"kafka\":\"UP\"");

            assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void metricsServeTheGlobalRegistryInPrometheusFormat() throws Exception {
        try (OpsEndpoint ops = OpsEndpoint.start("127.0.0.1", 0, Map::of)) {
            Metrics.counter("orderflow.test.ops.endpoint").increment(3);
            HttpResponse<String> metrics = get(ops, "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("orderflow_test_ops_endpoint_total 3.0").contains("jvm_memory_used_bytes");
        }
    }

    @Test
    void healthJsonEscapesReasons() {
        assertThat(OpsEndpoint.json(false, Map.of("database", Optional.of("said \"no\"")))).isEqualTo(
                "{\"status\":\"DOWN\",\"checks\":{\"database\":\"DOWN: said \\\"no\\\"\"}}");
    }
}
