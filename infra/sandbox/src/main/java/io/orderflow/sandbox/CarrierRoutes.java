package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP API of the sandbox carrier: create and void shipping labels (idempotent), look up labels and tracking,
 * manage webhook subscriptions, and advance a shipment on demand for tests.
 */
final class CarrierRoutes {
    private static final String[] ADDRESS_FIELDS = {"name", "line1", "city", "postalCode", "country"};

    private final CarrierLabels labels;
    private final WebhookDispatcher webhooks;
    private final IdempotencyStore idempotency;

    CarrierRoutes(CarrierLabels labels, WebhookDispatcher webhooks, IdempotencyStore idempotency) {
        this.labels = labels;
        this.webhooks = webhooks;
        this.idempotency = idempotency;
    }

    void register(RoutesConfig routes) {
        routes.post("/v1/labels", ctx -> idempotency.handle(ctx, body -> createLabel(ctx, body)));
        routes.get("/v1/labels", ctx -> ctx.json(Map.of("labels", labels.list(ctx.queryParam("orderId")))));
        routes.get("/v1/labels/{id}", ctx -> ctx.json(labels.get(ctx.pathParam("id"))));
        routes.get("/v1/labels/{id}/document", this::document);
        routes.post("/v1/labels/{id}/void", ctx -> idempotency.handle(ctx, body ->
                ApiResponse.ok(labels.voidLabel(ctx.pathParam("id")))));
        routes.get("/v1/tracking/{trackingNumber}", ctx -> ctx.json(labels.tracking(ctx.pathParam("trackingNumber"))));

        routes.get("/v1/webhooks", ctx -> ctx.json(Map.of("webhooks", webhooks.list())));
        routes.post("/v1/webhooks", this::registerWebhook);
        routes.delete("/v1/webhooks/{id}", ctx -> {
            if (!webhooks.unregister(ctx.pathParam("id"))) {
                throw ApiException.notFound("webhook_not_found", "no webhook " + ctx.pathParam("id"));
            }
            ctx.status(204);
        });

        routes.post("/sandbox/shipments/{trackingNumber}/advance", ctx -> {
            String status = Json.text(Json.parseObject(ctx.body()), "status");
            CarrierLabels.Status target;
            try {
                target = CarrierLabels.Status.valueOf(status.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("invalid_status", "status must be IN_TRANSIT or DELIVERED");
            }
            ctx.json(labels.advance(ctx.pathParam("trackingNumber"), target));
        });
    }

    private ApiResponse createLabel(Context ctx, JsonNode body) {
        String orderId = Json.text(body, "orderId");
        JsonNode address = body.get("address");
        if (address == null || !address.isObject()) {
            throw ApiException.badRequest("missing_field", "'address' object is required");
        }
        for (String field : ADDRESS_FIELDS) {
            Json.text(address, field);
        }
        if (!address.get("country").asText().matches("[A-Z]{2}")) {
            throw ApiException.badRequest("invalid_field", "'address.country' must be an ISO 3166 alpha-2 code like DE");
        }
        JsonNode parcels = optionalArray(body, "parcels");
        JsonNode lines = optionalArray(body, "lines");
        if (parcels == null && lines == null) {
            throw ApiException.badRequest("missing_field", "give 'parcels' (with weightGrams) or 'lines' (sku, quantity)");
        }
        if (parcels != null) {
            parcels.forEach(p -> Json.amount(p, "weightGrams"));
        }
        if (lines != null) {
            lines.forEach(l -> {
                Json.text(l, "sku");
                Json.amount(l, "quantity");
            });
        }
        // The label URL points back at this server, whatever port it was given.
        String baseUrl = ctx.scheme() + "://" + ctx.host();
        return ApiResponse.created(labels.create(orderId, address, parcels, lines, baseUrl));
    }

    private static JsonNode optionalArray(JsonNode body, String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray() || node.isEmpty()) {
            throw ApiException.badRequest("invalid_field", "'" + field + "' must be a non-empty array");
        }
        node.forEach(item -> {
            if (!item.isObject()) {
                throw ApiException.badRequest("invalid_field", "each of '" + field + "' must be an object");
            }
        });
        return node;
    }

    /** Webhook registration is naturally idempotent (same URL, same subscription), so it needs no key. */
    private void registerWebhook(Context ctx) {
        String url = Json.text(Json.parseObject(ctx.body()), "url");
        boolean existed = webhooks.isRegistered(url);
        WebhookDispatcher.Subscription subscription = webhooks.register(url, false);
        ctx.status(existed ? 200 : 201).json(Map.of("id", subscription.id(), "url", subscription.url()));
    }

    /** A printable stand-in for the label PDF a real carrier would return. */
    private void document(Context ctx) {
        CarrierLabels.Label label = labels.get(ctx.pathParam("id"));
        JsonNode a = label.address();
        ctx.contentType("text/plain; charset=utf-8").result(String.join("\n",
                "ORDERFLOW SANDBOX CARRIER - SHIPPING LABEL",
                "Tracking: " + label.trackingNumber(),
                "Order:    " + label.orderId(),
                "Ship to:  " + a.path("name").asText(),
                "          " + a.path("line1").asText(),
                "          " + a.path("postalCode").asText() + " " + a.path("city").asText() + ", "
                        + a.path("country").asText(),
                "Status:   " + label.status(),
                ""));
    }
}
