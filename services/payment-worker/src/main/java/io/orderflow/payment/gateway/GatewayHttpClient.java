package io.orderflow.payment.gateway;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.common.http.RemoteCallException;
import io.orderflow.common.http.RemoteCallException.Rejected;
import io.orderflow.common.http.RemoteCallException.Unavailable;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The payment gateway's HTTP API, one method per call, each tried once. Every state-changing call carries the
 * Idempotency-Key it is given, so repeating it (after a timeout, a crash, a redelivery) returns the first result
 * instead of acting again. Failures are sorted into {@link Unavailable} (try again with the same key)
 * and {@link Rejected} (the gateway said no, or the request cannot be sent at all), by
 * {@link RemoteCallException#ofStatus}.
 */
public final class GatewayHttpClient {
    static final String IDEMPOTENCY_KEY = "Idempotency-Key";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final URI base;
    private final Duration requestTimeout;
    private final HttpClient http;

    public GatewayHttpClient(URI base, Duration connectTimeout, Duration requestTimeout) {
        this.base = URI.create(base.toString().replaceAll("/+$", "") + "/");
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout)
                .build();
    }

    public URI base() {
        return base;
    }

    public Authorization authorize(String idempotencyKey, String orderId, long amountMinor, String currency,
                                   String paymentMethod) throws Unavailable, Rejected {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("orderId", orderId);
        body.put("amountMinor", amountMinor);
        body.put("currency", currency);
        body.put("paymentMethod", paymentMethod);
        return post("v1/authorizations", idempotencyKey, body, Authorization.class);
    }

    public Authorization authorization(String authorizationId) throws Unavailable, Rejected {
        return get("v1/authorizations/" + encode(authorizationId), Authorization.class);
    }

    /** Captures exactly {@code amountMinor} (never "whatever was authorized"), so the charge is the order total. */
    public Charge capture(String idempotencyKey, String authorizationId, long amountMinor)
            throws Unavailable, Rejected {
        return post("v1/authorizations/" + encode(authorizationId) + "/capture", idempotencyKey,
                Map.of("amountMinor", amountMinor), Charge.class);
    }

    public Authorization voidAuthorization(String idempotencyKey, String authorizationId) throws Unavailable, Rejected {
        return post("v1/authorizations/" + encode(authorizationId) + "/void", idempotencyKey, Map.of(),
                Authorization.class);
    }

    public Refund refund(String idempotencyKey, String chargeId, long amountMinor) throws Unavailable, Rejected {
        return post("v1/charges/" + encode(chargeId) + "/refunds", idempotencyKey, Map.of("amountMinor", amountMinor),
                Refund.class);
    }

    private <T> T post(String path, String idempotencyKey, Map<String, Object> body, Class<T> type)
            throws Unavailable, Rejected {
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write request body " + body, e);
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .header(IDEMPOTENCY_KEY, idempotencyKey)
                    .POST(HttpRequest.BodyPublishers.ofString(json))
                    .build();
        } catch (IllegalArgumentException invalid) {
            throw RemoteCallException.notSent("POST " + path, invalid);
        }
        return send(request, type);
    }

    private <T> T get(String path, Class<T> type) throws Unavailable, Rejected {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(base.resolve(path))
                    .timeout(requestTimeout)
                    .header("Accept", "application/json")
                    .GET()
                    .build();
        } catch (IllegalArgumentException invalid) {
            throw RemoteCallException.notSent("GET " + path, invalid);
        }
        return send(request, type);
    }

    private <T> T send(HttpRequest request, Class<T> type) throws Unavailable, Rejected {
        String call = request.method() + " " + request.uri().getPath();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            // Timeouts and dropped connections included: the gateway may have acted, so only a repeat can tell.
            throw new Unavailable(call + ": " + describe(e), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(call + ": interrupted", false, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            try {
                return JSON.readValue(response.body(), type);
            } catch (IOException e) {
                throw new Unavailable(call + ": unreadable " + status + " answer: " + e.getMessage(),
                        false, e);
            }
        }
        Error error = error(response.body());
        return RemoteCallException.throwForStatus(call, status, error.code, error.message);
    }

    /** The gateway's {"error": {"code", "message"}}; anything else (a proxy's HTML page) is left to be summarised. */
    private record Error(String code, String message) {}

    private static Error error(String body) {
        try {
            JsonNode error = JSON.readTree(body).path("error");
            if (error.isObject()) {
                return new Error(error.path("code").asText(null), error.path("message").asText(body));
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through
        }
        return new Error(null, body);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " " + message);
    }

    private static String encode(String pathSegment) {
        return URLEncoder.encode(pathSegment, StandardCharsets.UTF_8);
    }
}
