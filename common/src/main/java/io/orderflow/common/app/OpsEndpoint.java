package io.orderflow.common.app;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process's one operations port: {@code /metrics} (Prometheus text, every meter of Micrometer's global registry),
 * {@code /health/live} (200 while the JVM answers and no threads are deadlocked) and {@code /health/ready} (200 only
 * when every check passes; 503 otherwise). Both health answers are JSON naming each check.
 */
public final class OpsEndpoint implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsEndpoint.class);

    private final HttpServer server;
    private final PrometheusMeterRegistry prometheus;

    private OpsEndpoint(HttpServer server, PrometheusMeterRegistry prometheus) {
        this.server = server;
        this.prometheus = prometheus;
    }

    /**
     * Serves on {@code host:port} (0: any free port); {@code readiness} gives each check's result, empty when it
     * passes, else why not.
     */
    public static OpsEndpoint start(String host, int port, Supplier<Map<String, Optional<String>>> readiness)
            throws IOException {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(prometheus);
        new JvmGcMetrics().bindTo(prometheus);
        new JvmThreadMetrics().bindTo(prometheus);
        new ProcessorMetrics().bindTo(prometheus);
        Metrics.addRegistry(prometheus);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", exchange -> respond(exchange, 200,
                "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape()));
        server.createContext("/health/live", exchange -> {
            long[] deadlocked = ManagementFactory.getThreadMXBean().findDeadlockedThreads();
            health(exchange, Map.of("threads", deadlocked == null ? Optional.empty()
                    : Optional.of(deadlocked.length + " threads deadlocked")));
        });
        server.createContext("/health/ready", exchange -> health(exchange, readiness.get()));
        server.start();
        log.info("metrics and health on http://{}:{}/ (/metrics, /health/live, /health/ready)", host,
                server.getAddress().getPort());
        return new OpsEndpoint(server, prometheus);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        Metrics.removeRegistry(prometheus);
        prometheus.close();
    }

    private static void health(HttpExchange exchange, Map<String, Optional<String>> checks) throws IOException {
        boolean up = checks.values().stream().allMatch(Optional::isEmpty);
        respond(exchange, up ? 200 : 503, "application/json", json(up, checks));
    }

    /** {@code {"status":"UP","checks":{"kafka":"UP","order-engine":"DOWN: streams REBALANCING"}}} */
    static String json(boolean up, Map<String, Optional<String>> checks) {
        Map<String, String> shown = new LinkedHashMap<>();
        checks.forEach((name, problem) -> shown.put(name, problem.map(p -> "DOWN: " + p).orElse("UP")));
        return "{\"status\":\"" + (up ? "UP" : "DOWN") + "\",\"checks\":{" + shown.entrySet().stream()
                .map(e -> quote(e.getKey()) + ":" + quote(e.getValue())).collect(Collectors.joining(",")) + "}}";
    }

    private static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + '"';
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
