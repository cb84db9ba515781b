package io.orderflow.shipping.carrier;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.core.functions.CheckedSupplier;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.http.RemoteCallException;
import io.orderflow.shipping.ShippingSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The carrier's HTTP API as the worker uses it: labels created and voided under an {@code Idempotency-Key}, so a
 * repeated call (retry, redelivery, restart) never makes a second label. Network errors and 5xx are retried with
 * exponential backoff; a circuit breaker around the retried operation stops calling a carrier whose operations keep
 * failing, and lets one through after {@link ShippingSettings#circuitOpenFor()} to see whether it is back.
 */
public final class CarrierClient {
    private static final Logger log = LoggerFactory.getLogger(CarrierClient.class);

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Retry retry;
    private final CircuitBreaker breaker;

    public CarrierClient(ShippingSettings settings, Clock clock) {
        this.baseUrl = settings.carrierUrl().toString();
        this.timeout = settings.carrierTimeout();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(settings.carrierTimeout())
                .build();
        this.retry = Retry.of("carrier", RetryConfig.custom()
                .maxAttempts(Math.max(1, settings.carrierAttempts()))
                .intervalFunction(IntervalFunction.ofExponentialBackoff(settings.carrierBackoff(), 2.0))
                // Only the carrier's own trouble is worth another try; a 4xx is not.
                .retryOnException(e -> e instanceof RemoteCallException.Unavailable)
                .build());
        int minimumCalls = Math.max(1, settings.circuitMinimumCalls());
        // In a registry of its own so that resilience4j's Micrometer binding shows its state on /metrics.
        CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
        this.breaker = breakers.circuitBreaker("carrier", CircuitBreakerConfig.custom()
                .slidingWindow(Math.max(10, minimumCalls), minimumCalls, CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(50)
                .waitDurationInOpenState(settings.circuitOpenFor())
                .permittedNumberOfCallsInHalfOpenState(1)
                // A refusal (4xx) proves the carrier is up; only unavailability counts against it.
                .recordException(e -> e instanceof RemoteCallException.Unavailable)
                .clock(clock)
                .build());
        breaker.getEventPublisher().onStateTransition(e ->
                log.warn("carrier circuit {}", e.getStateTransition()));
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(Metrics.globalRegistry);
    }

    /** Creates a label, or returns the one an earlier call with the same key created. */
    public Label createLabel(String idempotencyKey, LabelOrder order)
            throws RemoteCallException.Unavailable, RemoteCallException.Rejected {
        ObjectNode body = json.createObjectNode();
        body.put("orderId", order.orderId());
        ObjectNode address = body.putObject("address");
        LabelOrder.Address a = order.address();
        address.put("name", a.name());
        address.put("line1", a.line1());
        if (a.line2() != null) {
            address.put("line2", a.line2());
        }
        address.put("city", a.city());
        address.put("postalCode", a.postalCode());
        address.put("country", a.country());
        ArrayNode lines = body.putArray("lines");
        order.items().forEach(item -> lines.addObject().put("sku", item.sku()).put("quantity", item.quantity()));
        String what = "creating a label for order " + order.orderId();
        return label(guarded(what, () -> post("/v1/labels", idempotencyKey, body.toString(), what)));
    }

    /**
     * Voids a label, or returns what an earlier void with the same key answered. A second void with another key, or
     * a void after delivery, is {@link RemoteCallException.Rejected} ({@code label_already_voided},
     * {@code label_already_delivered}).
     */
    public Label voidLabel(String labelId, String idempotencyKey)
            throws RemoteCallException.Unavailable, RemoteCallException.Rejected {
        String what = "voiding label " + labelId;
        return label(guarded(what, () -> post("/v1/labels/" + labelId + "/void", idempotencyKey, "", what)));
    }

    /** Subscribes {@code url} to tracking webhooks (idempotent by URL at the carrier); not retried here. */
    public void subscribe(String url) throws RemoteCallException {
        ObjectNode body = json.createObjectNode().put("url", url);
        post("/v1/webhooks", null, body.toString(), "subscribing " + url + " to tracking webhooks");
    }

    /** CLOSED, OPEN, HALF_OPEN, ...: for health checks and logs. */
    public CircuitBreaker.State circuitState() {
        return breaker.getState();
    }

    private JsonNode guarded(String what, CheckedSupplier<JsonNode> call)
            throws RemoteCallException.Unavailable, RemoteCallException.Rejected {
        // The breaker judges whole operations, retries included: a call that needed a second try still worked, and
        // only operations that fail after every retry count towards opening the circuit.
        CheckedSupplier<JsonNode> guarded =
                CircuitBreaker.decorateCheckedSupplier(breaker, Retry.decorateCheckedSupplier(retry, call));
        try {
            return guarded.get();
        } catch (RemoteCallException.Unavailable | RemoteCallException.Rejected e) {
            throw e;
        } catch (CallNotPermittedException e) {
            throw new RemoteCallException.Unavailable(what + ": the carrier circuit is open after repeated failures",
                    true, e);
        } catch (Throwable e) {
            throw new RemoteCallException.Unavailable(what + " failed: " + e, false, e);
        }
    }

    private JsonNode post(String path, String idempotencyKey, String body, String what)
            throws RemoteCallException.Unavailable, RemoteCallException.Rejected {
        HttpRequest request;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (idempotencyKey != null) {
                builder.header("Idempotency-Key", idempotencyKey);
            }
            request = builder.build();
        } catch (IllegalArgumentException invalid) {
            throw RemoteCallException.notSent(what, invalid);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new RemoteCallException.Unavailable(what + ": " + describe(e), false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RemoteCallException.Unavailable(what + ": interrupted", false, e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return parse(response.body(), what);
        }
        JsonNode error = parseQuietly(response.body()).path("error");
        // Without the carrier's {"error": {...}} (a proxy's HTML page, say), the raw body is only summarised.
        return RemoteCallException.throwForStatus(what, status, error.path("code").asText(null),
                error.path("message").asText(response.body()));
    }

    private JsonNode parse(String body, String what) throws RemoteCallException.Unavailable {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            // A 2xx we cannot read: treat it like a lost answer; the retry with the same key replays it.
            throw new RemoteCallException.Unavailable(what + ": unreadable answer from the carrier", false, e);
        }
    }

    private JsonNode parseQuietly(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (JsonProcessingException e) {
            return json.createObjectNode();
        }
    }

    private static Label label(JsonNode node) {
        return new Label(text(node, "labelId"), text(node, "orderId"), text(node, "trackingNumber"),
                text(node, "status"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : " (" + message + ")");
    }

    @Override
    public String toString() {
        return "CarrierClient[" + Objects.toString(baseUrl) + "]";
    }
}
