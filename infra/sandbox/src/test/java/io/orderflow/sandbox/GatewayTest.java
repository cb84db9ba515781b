package io.orderflow.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GatewayTest {
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

    static String authorization(String orderId, long amount, String paymentMethod) {
        return """
                {"orderId": "%s", "amountMinor": %d, "currency": "EUR", "paymentMethod": "%s"}"""
                .formatted(orderId, amount, paymentMethod);
    }

    @Test
    void bothServersAnswerHealth() throws IOException {
        assertThat(http.get(gateway, "/health").statusCode()).isEqualTo(200);
        assertThat(http.get(sandbox.carrierUri(), "/health").statusCode()).isEqualTo(200);
        assertThat(sandbox.gatewayPort()).isPositive().isNotEqualTo(sandbox.carrierPort());
    }

    @Test
    void replayedRequestsReturnTheStoredResponseAndTheLedgerHoldsOneCapture() throws IOException {
        HttpResponse<String> first = http.post(gateway, "/v1/authorizations", "pay-o1",
                authorization("o1", 4999, "pm_card_ok"));
        assertThat(first.statusCode()).isEqualTo(201);
        JsonNode auth = SandboxHttp.json(first);
        assertThat(auth.get("status").asText()).isEqualTo("authorized");
        assertThat(auth.get("declineReason").isNull()).isTrue();
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();

        // Same request with other whitespace and field order is the same request.
        HttpResponse<String> replay = http.post(gateway, "/v1/authorizations", "pay-o1",
                "{ \"paymentMethod\":\"pm_card_ok\",\"currency\":\"EUR\",\"amountMinor\":4999,\"orderId\":\"o1\" }");
        assertThat(replay.statusCode()).isEqualTo(201);
        assertThat(replay.body()).isEqualTo(first.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");

        String authId = auth.get("id").asText();
        String capturePath = "/v1/authorizations/" + authId + "/capture";
        HttpResponse<String> capture = http.post(gateway, capturePath, "capture-o1", "{}");
        assertThat(capture.statusCode()).isEqualTo(201);
        JsonNode charge = SandboxHttp.json(capture);
        assertThat(charge.get("status").asText()).isEqualTo("captured");
        assertThat(charge.get("amountMinor").asLong()).isEqualTo(4999);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> again = http.post(gateway, capturePath, "capture-o1", "{}");
            assertThat(again.statusCode()).isEqualTo(201);
            assertThat(SandboxHttp.json(again).get("id").asText()).isEqualTo(charge.get("id").asText());
        }

        JsonNode ledger = http.getJson(gateway, "/v1/ledger?orderId=o1");
        assertThat(ledger.get("entries")).hasSize(2);
        assertThat(ledger.at("/entries/0/type").asText()).isEqualTo("authorization");
        assertThat(ledger.at("/entries/1/type").asText()).isEqualTo("capture");
        assertThat(ledger.at("/summary/captures").asLong()).isEqualTo(1);
        assertThat(ledger.at("/summary/capturedMinor").asLong()).isEqualTo(4999);
        assertThat(http.getJson(gateway, "/v1/authorizations/" + authId).get("status").asText()).isEqualTo("captured");
    }

    @Test
    void sameKeyWithADifferentBodyIsRejectedWith422() throws IOException {
        assertThat(http.post(gateway, "/v1/authorizations", "k-422", authorization("o2", 1000, "pm_card_ok"))
                .statusCode()).isEqualTo(201);
        HttpResponse<String> other = http.post(gateway, "/v1/authorizations", "k-422",
                authorization("o2", 2000, "pm_card_ok"));
        assertThat(other.statusCode()).isEqualTo(422);
        assertThat(SandboxHttp.json(other).at("/error/code").asText()).isEqualTo("idempotency_key_reused");
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=o2").get("entries")).hasSize(1);
    }

    @Test
    void mutatingRequestsWithoutAnIdempotencyKeyAreRejected() throws IOException {
        HttpResponse<String> response = http.post(gateway, "/v1/authorizations", null,
                authorization("o3", 1000, "pm_card_ok"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(SandboxHttp.json(response).at("/error/code").asText()).isEqualTo("idempotency_key_missing");
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=o3").get("entries")).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"pm_card_declined, card declined", "pm_insufficient_funds, insufficient funds"})
    void declineTokensDecline(String token, String reason) throws IOException {
        HttpResponse<String> response = http.post(gateway, "/v1/authorizations", "decl-" + token,
                authorization("o4", 1000, token));
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode auth = SandboxHttp.json(response);
        assertThat(auth.get("status").asText()).isEqualTo("declined");
        assertThat(auth.get("declineReason").asText()).isEqualTo(reason);

        HttpResponse<String> capture = http.post(gateway, "/v1/authorizations/" + auth.get("id").asText()
                + "/capture", "cap-" + token, "{}");
        assertThat(capture.statusCode()).isEqualTo(409);
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=o4").at("/summary/declines").asLong()).isEqualTo(1);
    }

    @Test
    void invalidRequestsGetClear400s() throws IOException {
        HttpResponse<String> unknown = http.post(gateway, "/v1/authorizations", "u1",
                authorization("o5", 1000, "pm_bogus"));
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(SandboxHttp.json(unknown).at("/error/code").asText()).isEqualTo("unknown_payment_method");
        assertThat(SandboxHttp.json(unknown).at("/error/message").asText()).contains("pm_card_ok");

        HttpResponse<String> fractional = http.post(gateway, "/v1/authorizations", "u2",
                "{\"orderId\":\"o5\",\"amountMinor\":12.5,\"currency\":\"EUR\",\"paymentMethod\":\"pm_card_ok\"}");
        assertThat(fractional.statusCode()).isEqualTo(400);
        assertThat(SandboxHttp.json(fractional).at("/error/code").asText()).isEqualTo("invalid_amount");

        HttpResponse<String> currency = http.post(gateway, "/v1/authorizations", "u3",
                "{\"orderId\":\"o5\",\"amountMinor\":100,\"currency\":\"XYZ\",\"paymentMethod\":\"pm_card_ok\"}");
        assertThat(currency.statusCode()).isEqualTo(400);
        assertThat(SandboxHttp.json(currency).at("/error/code").asText()).isEqualTo("invalid_currency");

        // Errors are not remembered: the key can be used again once the request is fixed.
        assertThat(http.post(gateway, "/v1/authorizations", "u1", authorization("o5", 1000, "pm_card_ok"))
                .statusCode()).isEqualTo(201);
    }

    @Test
    void cannotRefundMoreThanWasCaptured() throws IOException {
        String chargeId = capturedCharge("o6", 500);
        String refunds = "/v1/charges/" + chargeId + "/refunds";

        HttpResponse<String> tooMuch = http.post(gateway, refunds, "r-too-much", "{\"amountMinor\": 600}");
        assertThat(tooMuch.statusCode()).isEqualTo(409);
        assertThat(SandboxHttp.json(tooMuch).at("/error/code").asText()).isEqualTo("refund_exceeds_captured");
        assertThat(SandboxHttp.json(tooMuch).at("/error/message").asText()).contains("captured 500");

        assertThat(http.post(gateway, refunds, "r1", "{\"amountMinor\": 200}").statusCode()).isEqualTo(201);
        HttpResponse<String> rest = http.post(gateway, refunds, "r2", "{\"amountMinor\": 400}");
        assertThat(rest.statusCode()).isEqualTo(409);
        assertThat(SandboxHttp.json(rest).at("/error/message").asText()).contains("refundable 300");
        assertThat(http.post(gateway, refunds, "r3", "{}").statusCode()).isEqualTo(201);
        assertThat(http.getJson(gateway, "/v1/charges/" + chargeId).get("status").asText()).isEqualTo("refunded");
        assertThat(http.post(gateway, refunds, "r4", "{\"amountMinor\": 1}").statusCode()).isEqualTo(409);

        JsonNode summary = http.getJson(gateway, "/v1/ledger?orderId=o6").get("summary");
        assertThat(summary.get("refunds").asLong()).isEqualTo(2);
        assertThat(summary.get("refundedMinor").asLong()).isEqualTo(500);
    }

    @Test
    void voidReleasesTheAuthorizationAndBlocksCapture() throws IOException {
        String authId = SandboxHttp.json(http.post(gateway, "/v1/authorizations", "a-void",
                authorization("o7", 800, "pm_card_ok"))).get("id").asText();
        HttpResponse<String> voided = http.post(gateway, "/v1/authorizations/" + authId + "/void", "v1", "");
        assertThat(voided.statusCode()).isEqualTo(200);
        assertThat(SandboxHttp.json(voided).get("status").asText()).isEqualTo("voided");
        assertThat(http.post(gateway, "/v1/authorizations/" + authId + "/void", "v1", "").headers()
                .firstValue("Idempotent-Replayed")).contains("true");
        assertThat(http.post(gateway, "/v1/authorizations/" + authId + "/capture", "c-after-void", "{}")
                .statusCode()).isEqualTo(409);
        assertThat(http.getJson(gateway, "/v1/ledger?orderId=o7").at("/summary/voids").asLong()).isEqualTo(1);
    }

    private String capturedCharge(String orderId, long amount) throws IOException {
        String authId = SandboxHttp.json(http.post(gateway, "/v1/authorizations", "a-" + orderId,
                authorization(orderId, amount, "pm_card_ok"))).get("id").asText();
        return SandboxHttp.json(http.post(gateway, "/v1/authorizations/" + authId + "/capture", "c-" + orderId,
                "{}")).get("id").asText();
    }
}
