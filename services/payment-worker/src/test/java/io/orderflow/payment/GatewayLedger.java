package io.orderflow.payment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The sandbox gateway seen from a test: its books per order, and its fault-injection controls. */
final class GatewayLedger {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    GatewayLedger(URI base) {
        this.base = base;
    }

    /** One money movement: authorization, decline, capture, void or refund. */
    record Entry(String type, String objectId, long amountMinor, String currency) {}

    /** The gateway's books for one order. */
    record Books(List<Entry> entries) {
        long count(String type) {
            return entries.stream().filter(e -> e.type().equals(type)).count();
        }

        long sum(String type) {
            return entries.stream().filter(e -> e.type().equals(type)).mapToLong(Entry::amountMinor).sum();
        }

        List<Entry> of(String type) {
            return entries.stream().filter(e -> e.type().equals(type)).toList();
        }
    }

    Books books(String orderId) {
        JsonNode ledger = call(HttpRequest.newBuilder(base.resolve("/v1/ledger?orderId="
                + URLEncoder.encode(orderId, StandardCharsets.UTF_8))).GET());
        List<Entry> entries = new ArrayList<>();
        ledger.path("entries").forEach(e -> entries.add(new Entry(e.path("type").asText(), e.path("objectId").asText(),
                e.path("amountMinor").asLong(), e.path("currency").asText())));
        return new Books(entries);
    }

    /** Adds fault rules (one object or an array, as JSON), see infra/sandbox/README.md. */
    void fault(String rulesJson) {
        call(HttpRequest.newBuilder(base.resolve("/sandbox/faults"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(rulesJson)));
    }

    /** Rule counts, e.g. how often a rule was applied. */
    JsonNode faults() {
        return call(HttpRequest.newBuilder(base.resolve("/sandbox/faults")).GET());
    }

    void clearFaults() {
        call(HttpRequest.newBuilder(base.resolve("/sandbox/faults")).DELETE());
    }

    private JsonNode call(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException("sandbox answered " + response.statusCode() + ": " + response.body());
            }
            return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("sandbox unreachable: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
