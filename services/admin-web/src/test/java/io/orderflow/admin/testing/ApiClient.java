package io.orderflow.admin.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

/** The JSON API as an upstream system calls it: a bearer token and JSON bodies. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final AdminSystem system;
    private final String token;

    public ApiClient(AdminSystem system, String token) {
        this.system = system;
        this.token = token;
    }

    public record Response(int status, JsonNode body) {}

    public Response get(String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(system.url(path))).GET(), null);
    }

    public Response post(String path, String json) throws Exception {
        return post(path, json, UUID.randomUUID().toString());
    }

    public Response post(String path, String json, String idempotencyKey) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(system.url(path)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        return send(request, idempotencyKey);
    }

    /** Places an order of two lines (25.00 + 4.99 EUR) for {@code email}. */
    public Response place(String orderId, String email) throws Exception {
        return post("/api/orders", """
                {"orderId": "%s", "customerId": "c-%s", "customerEmail": "%s",
                 "paymentMethod": "pm_card_ok", "shippingAddress": "Ann Smith, 1 Main St, 10115 Berlin, DE",
                 "lines": [{"sku": "SKU-1", "quantity": 2, "unitPrice": {"amountMinor": 1250, "currency": "EUR"}},
                           {"sku": "SKU-2", "quantity": 1, "unitPrice": {"amountMinor": 499, "currency": "EUR"}}]}"""
                .formatted(orderId, orderId, email.replace("\"", "\\\"")));
    }

    public Response transition(String orderId, String transition, String reason) throws Exception {
        return post("/api/orders/" + orderId + "/transitions/" + transition,
                reason == null ? "{}" : JSON.createObjectNode().put("reason", reason).toString());
    }

    private Response send(HttpRequest.Builder request, String idempotencyKey) throws Exception {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        return new Response(response.statusCode(), body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body));
    }
}
