package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP webhook receiver for tests, like a shipping worker's endpoint; it can fail its next N calls. */
final class WebhookReceiver implements AutoCloseable {
    private final HttpServer server;
    private final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private final List<String> attemptHeaders = new CopyOnWriteArrayList<>();
    private final AtomicInteger failNext = new AtomicInteger();

    WebhookReceiver(int port) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/hooks/tracking", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            int status = 200;
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                status = 503;
            } else {
                received.add(SandboxHttp.MAPPER.readTree(body));
                attemptHeaders.add(exchange.getRequestHeaders().getFirst("X-Sandbox-Delivery-Attempt"));
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/tracking";
    }

    void failNext(int n) {
        failNext.set(n);
    }

    List<JsonNode> received() {
        return List.copyOf(received);
    }

    List<String> attemptHeaders() {
        return List.copyOf(attemptHeaders);
    }

    /** Deduplicated by eventId, as a receiver must do with at-least-once delivery. */
    List<String> distinctStatuses(String trackingNumber) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        List<String> statuses = new ArrayList<>();
        for (JsonNode event : received) {
            if (event.get("trackingNumber").asText().equals(trackingNumber) && seen.add(event.get("eventId").asText())) {
                statuses.add(event.get("status").asText());
            }
        }
        return statuses;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
