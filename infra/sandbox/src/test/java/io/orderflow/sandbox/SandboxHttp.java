package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A tiny real-HTTP client for the tests, the way a worker would talk to the sandbox. */
final class SandboxHttp {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    HttpResponse<String> post(URI base, String path, String idempotencyKey, String json) throws IOException {
        return post(base, path, idempotencyKey, json, Duration.ofSeconds(10));
    }

    HttpResponse<String> post(URI base, String path, String idempotencyKey, String json, Duration timeout)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    HttpResponse<String> get(URI base, String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    HttpResponse<String> delete(URI base, String path) throws IOException {
        return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).DELETE().build());
    }

    /** Installs fault rules; fails the test if the sandbox rejects them. */
    JsonNode faults(URI base, String rulesJson) throws IOException {
        HttpResponse<String> response = post(base, "/sandbox/faults", null, rulesJson);
        if (response.statusCode() != 201) {
            throw new AssertionError("fault rules rejected: " + response.body());
        }
        return json(response);
    }

    JsonNode getJson(URI base, String path) {
        try {
            return json(get(base, path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
