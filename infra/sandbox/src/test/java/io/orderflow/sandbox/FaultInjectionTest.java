package io.orderflow.sandbox;

import static io.orderflow.sandbox.GatewayTest.authorization;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FaultInjectionTest {
    private static Sandbox sandbox;
    private static URI gateway;
    private final SandboxHttp http = new SandboxHttp();

    @BeforeAll
    static void start() {
        sandbox = SandboxMain.start(SandboxConfig.defaults().withPorts(0, 0).withProgression(-1, -1));
        gateway = sandbox.gatewayUri();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void reset() {
        sandbox.reset();
    }

    @Test
    void injected503ForNTimesThenTheRetrySucceeds() throws IOException {
        http.faults(gateway, """
                [{"method": "POST", "pathPrefix": "/v1/authorizations", "kind": "status", "status": 503, "times": 2}]""");
        String body = authorization("f1", 1200, "pm_card_ok");

        for (int attempt = 1; attempt <= 2; attempt++) {
            HttpResponse<String> failed = http.post(gateway, "/v1/authorizations", "f1-key", body);
            assertThat(failed.statusCode()).isEqualTo(503);
            assertThat(failed.headers().firstValue("X-Sandbox-Fault")).isPresent();
            assertThat(SandboxHttp.json(failed).at("/error/code").asText()).isEqualTo("sandbox_fault");
        }
        HttpResponse<String> ok = http.post(gateway, "/v1/authorizations", "f1-key", body);
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.headers().firstValue("Idempotent-Replayed")).isEmpty();

        assertThat(http.getJson(gateway, "/v1/ledger?orderId=f1").get("entries")).hasSize(1);
        JsonNode rule = http.getJson(gateway, "/sandbox/faults").at("/rules/0");
        assertThat(rule.get("remaining").asInt()).isZero();
        assertThat(rule.get("applied").asInt()).isEqualTo(2);
    }

    @Test
    void afterEffectChargesOnceAlthoughTheClientSawAnErrorAndTheRetryGetsTheOriginalResult() throws IOException {
        String authId = SandboxHttp.json(http.post(gateway, "/v1/authorizations", "f2-auth",
                authorization("f2", 3000, "pm_card_ok"))).get("id").asText();
        http.faults(gateway, """
                {"route": "/v1/authorizations/{id}/capture", "kind": "afterEffect", "respond": "status",
                 "status": 500, "times": 1}""");

        String capturePath = "/v1/authorizations/" + authId + "/capture";
        HttpResponse<String> lost = http.post(gateway, capturePath, "f2-capture", "{}");
        assertThat(lost.statusCode()).isEqualTo(500);

        JsonNode ledger = http.getJson(gateway, "/v1/ledger?orderId=f2");
        assertThat(ledger.at("/summary/captures").asLong()).isEqualTo(1);
        String chargeInLedger = ledger.at("/entries/1/objectId").asText();

        HttpResponse<String> retry = http.post(gateway, capturePath, "f2-capture", "{}");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(SandboxHttp.json(retry).get("id").asText()).isEqualTo(chargeInLedger);
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=f2").at("/summary/captures").asLong()).isEqualTo(1);
    }

    @Test
    void afterEffectCanDropTheConnectionAfterCommitting() throws IOException {
        http.faults(gateway, """
                {"method": "POST", "pathPrefix": "/v1/authorizations", "kind": "afterEffect", "respond": "drop", "times": 1}""");
        String body = authorization("f3", 700, "pm_card_ok");

        assertThatThrownBy(() -> http.post(gateway, "/v1/authorizations", "f3-key", body))
                .isInstanceOf(IOException.class);
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=f3").get("entries")).hasSize(1);

        HttpResponse<String> retry = http.post(gateway, "/v1/authorizations", "f3-key", body);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=f3").get("entries")).hasSize(1);
    }

    @Test
    void dropClosesTheConnectionWithoutPerformingTheOperation() throws IOException {
        http.faults(gateway, """
                {"method": "POST", "pathPrefix": "/v1/authorizations", "kind": "drop", "times": 1}""");
        String body = authorization("f4", 900, "pm_card_ok");

        assertThatThrownBy(() -> http.post(gateway, "/v1/authorizations", "f4-key", body))
                .isInstanceOf(IOException.class);
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=f4").get("entries")).isEmpty();

        HttpResponse<String> retry = http.post(gateway, "/v1/authorizations", "f4-key", body);
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
    }

    @Test
    void timeoutHoldsTheRequestLongerThanTheClientWaits() throws IOException {
        http.faults(gateway, """
                {"pathPrefix": "/v1/authorizations", "kind": "timeout", "ms": 30000, "times": 1}""");
        String body = authorization("f5", 100, "pm_card_ok");

        long start = System.nanoTime();
        assertThatThrownBy(() -> http.post(gateway, "/v1/authorizations", "f5-key", body, Duration.ofMillis(300)))
                .isInstanceOf(HttpTimeoutException.class);
        // The client gave up long before the server would have let go.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=f5").get("entries")).isEmpty();

        assertThat(http.delete(gateway, "/sandbox/faults").statusCode()).isEqualTo(204);
        assertThat(http.post(gateway, "/v1/authorizations", "f5-key", body).statusCode()).isEqualTo(201);
    }

    @Test
    void latencyDelaysButStillAnswers() throws IOException {
        http.faults(gateway, """
                {"method": "GET", "pathPrefix": "/health", "kind": "latency", "ms": 300}""");
        long start = System.nanoTime();
        assertThat(http.get(gateway, "/health").statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void controlRoutesAreNeverFaultedAndDeleteClearsRules() throws IOException {
        http.faults(gateway, """
                {"kind": "status", "status": 500}""");
        assertThat(http.get(gateway, "/health").statusCode()).isEqualTo(500);
        assertThat(http.getJson(gateway, "/sandbox/faults").get("rules")).hasSize(1);

        assertThat(http.delete(gateway, "/sandbox/faults").statusCode()).isEqualTo(204);
        assertThat(http.getJson(gateway, "/sandbox/faults").get("rules")).isEmpty();
        assertThat(http.get(gateway, "/health").statusCode()).isEqualTo(200);
    }

    @Test
    void resetClearsLedgerKeysAndFaults() throws IOException {
        http.post(gateway, "/v1/authorizations", "f6-key", authorization("f6", 100, "pm_card_ok"));
        http.faults(gateway, """
                {"pathPrefix": "/v1/ledger", "kind": "status", "status": 502}""");

        assertThat(http.post(gateway, "/sandbox/reset", null, "").statusCode()).isEqualTo(204);

        assertThat(http.getJson(gateway, "/sandbox/faults").get("rules")).isEmpty();
        assertThat(http.getJson(gateway, "/v1/ledger").get("entries")).isEmpty();
        // The key is forgotten, so a different body with it is a new request rather than a 422.
        assertThat(http.post(gateway, "/v1/authorizations", "f6-key", authorization("f6", 200, "pm_card_ok"))
                .statusCode()).isEqualTo(201);
    }

    @Test
    void theCarrierTakesFaultsToo() throws IOException {
        URI carrier = sandbox.carrierUri();
        http.faults(carrier, """
                {"method": "POST", "route": "/v1/labels", "kind": "status", "status": 429, "times": 1}""");
        HttpResponse<String> limited = http.post(carrier, "/v1/labels", "l1", CarrierTest.label("f7"));
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("1");
        assertThat(http.post(carrier, "/v1/labels", "l1", CarrierTest.label("f7")).statusCode()).isEqualTo(201);
    }

    @Test
    void badRulesAreRejected() throws IOException {
        assertThat(http.post(gateway, "/sandbox/faults", null, "{\"kind\": \"explode\"}").statusCode())
                .isEqualTo(400);
        assertThat(http.post(gateway, "/sandbox/faults", null, "{\"kind\": \"latency\"}").statusCode())
                .isEqualTo(400);
        assertThat(http.post(gateway, "/sandbox/faults", null, "{\"kind\": \"status\", \"status\": 200}")
                .statusCode()).isEqualTo(400);
        assertThat(http.getJson(gateway, "/sandbox/faults").get("rules")).isEmpty();
    }
}
