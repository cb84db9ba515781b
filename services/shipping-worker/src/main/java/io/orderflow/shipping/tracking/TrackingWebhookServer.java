package io.orderflow.shipping.tracking;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.json.JavalinJackson;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's small HTTP endpoint: {@code POST /carrier/webhooks} receives the carrier's tracking events (2xx only
 * once the event is committed, so the carrier redelivers anything not yet safe; 401 and nothing changed for one whose
 * {@link WebhookSignature} fails), {@code GET /health} reports the worker's state.
 */
public final class TrackingWebhookServer implements AutoCloseable {
    public static final String PATH = "/carrier/webhooks";
    private static final Logger log = LoggerFactory.getLogger(TrackingWebhookServer.class);

    private final Javalin app;
    private final Jdbi jdbi;
    private final TrackingUpdates updates;
    private final WebhookSignature signatures;
    private final ObjectMapper json = new ObjectMapper();

    private TrackingWebhookServer(Jdbi jdbi, TrackingUpdates updates, WebhookSignature signatures,
                                  Supplier<Map<String, Object>> health) {
        this.jdbi = jdbi;
        this.updates = updates;
        this.signatures = signatures;
        this.app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(json, false));
            cfg.routes.post(PATH, this::receive);
            cfg.routes.get("/health", ctx -> {
                Map<String, Object> state = health.get();
                ctx.status("ok".equals(state.get("status")) ? 200 : 503).json(state);
            });
        });
    }

    public static TrackingWebhookServer start(String host, int port, Jdbi jdbi, TrackingUpdates updates,
                                              WebhookSignature signatures, Supplier<Map<String, Object>> health) {
        TrackingWebhookServer server = new TrackingWebhookServer(jdbi, updates, signatures, health);
        server.app.start(host, port);
        return server;
    }

    /** The actual port (useful when started on port 0). */
    public int port() {
        return app.port();
    }

    private void receive(Context ctx) {
        Optional<String> refusal = signatures.refusal(ctx.header(WebhookSignature.HEADER), ctx.body());
        if (refusal.isPresent()) {
            log.warn("refusing a tracking webhook from {}: {}", ctx.ip(), refusal.get());
            ctx.status(401).json(error("invalid_signature", refusal.get()));
            return;
        }
        TrackingUpdates.Event event;
        try {
            event = parse(ctx.body());
        } catch (IllegalArgumentException e) {
            log.warn("refusing a tracking webhook: {}", e.getMessage());
            ctx.status(400).json(error("invalid_event", e.getMessage()));
            return;
        }
        try {
            TrackingUpdates.Result result = jdbi.inTransaction(handle -> updates.receive(handle, event));
            ctx.json(Map.of("eventId", event.eventId(), "result", result.name()));
        } catch (TrackingUpdates.ShipmentNotYetKnown e) {
            log.info("asking the carrier to deliver tracking event {} again: {}", event.eventId(), e.getMessage());
            ctx.status(503).header("Retry-After", "1").json(error("shipment_not_yet_known", e.getMessage()));
        } catch (RuntimeException e) {
            // Typically the database: the carrier keeps the event and delivers it again.
            log.warn("tracking event {} not recorded; the carrier will deliver it again: {}", event.eventId(),
                    e.toString());
            ctx.status(503).json(error("unavailable", "tracking event not recorded: " + e.getMessage()));
        }
    }

    private TrackingUpdates.Event parse(String body) {
        JsonNode node;
        try {
            node = json.readTree(body == null ? "" : body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("body is not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("body must be a JSON object");
        }
        String occurredAt = optional(node, "occurredAt");
        Instant at;
        try {
            at = occurredAt == null ? Instant.now() : Instant.parse(occurredAt);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurredAt '" + occurredAt + "' is not an ISO-8601 instant");
        }
        return new TrackingUpdates.Event(required(node, "eventId"), required(node, "trackingNumber"),
                optional(node, "labelId"), required(node, "orderId"), required(node, "status"), at);
    }

    private static String required(JsonNode node, String field) {
        String value = optional(node, field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        return value;
    }

    private static String optional(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static Map<String, Object> error(String code, String message) {
        return Map.of("error", Map.of("code", code, "message", message));
    }

    @Override
    public void close() {
        app.stop();
    }
}
