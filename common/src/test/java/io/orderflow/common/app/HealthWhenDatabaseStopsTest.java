package io.orderflow.common.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.orderflow.common.config.Config;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process's readiness follows its database: stopping the project's PostgreSQL (infra/postgres.sh, the tests'
 * private server) turns /health/ready to 503 naming the database while /health/live stays 200, and starting it again
 * makes the process ready again, without a restart.
 */
class HealthWhenDatabaseStopsTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void readyTurnsDownWhilePostgresqlIsStoppedAndUpOnceItIsBack() throws Exception {
        Path postgres = repoRoot().resolve("infra/postgres.sh");
        assumeTrue(run(postgres, "status") == 0, "the tests' PostgreSQL is not infra/postgres.sh's own server");
        Config config = Config.fromEnvironment();
        List<Service> services = List.of(new Service("worker", Set.of(), true, c -> () -> { }));
        ServiceHost host = ServiceHost.start(services, config);
        try (ConnectivityChecks checks = new ConnectivityChecks(config);
             OpsEndpoint ops = OpsEndpoint.start("127.0.0.1", 0, () -> ServiceHost.readiness(services, host, checks))) {
            await().atMost(Duration.ofSeconds(30)).until(() -> get(ops, "/health/ready").statusCode() == 200);
            try {
                assertThat(run(postgres, "stop")).isZero();
                await().atMost(Duration.ofSeconds(60)).until(() -> get(ops, "/health/ready").statusCode() == 503);
                HttpResponse<String> down = get(ops, "/health/ready");
                assertThat(down.body()).contains("\"database\":\"DOWN: ", "\"kafka\":\"UP\"", "\"worker\":\"UP\"");
                assertThat(get(ops, "/health/live").statusCode()).isEqualTo(200);
            } finally {
                assertThat(run(postgres, "start")).isZero();
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> get(ops, "/health/ready").statusCode() == 200);
        } finally {
            host.close();
        }
    }

    private HttpResponse<String> get(OpsEndpoint ops, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Runs {@code infra/postgres.sh ARG} with this JVM's environment (the tests' ORDERFLOW_* settings). */
    private static int run(Path script, String arg) throws Exception {
        Process process = new ProcessBuilder(script.toString(), arg).inheritIO().start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isExecutable(dir.resolve("infra/postgres.sh"))) {
            dir = dir.getParent();
        }
        assumeTrue(dir != null, "not run from the project's source tree");
        return dir;
    }
}
