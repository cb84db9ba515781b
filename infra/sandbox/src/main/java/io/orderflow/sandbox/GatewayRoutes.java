package io.orderflow.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP API of the sandbox payment gateway, a small Stripe-like provider: authorize, capture (creates a charge),
 * void, refund a charge, plus read-only lookups and the ledger. Every POST goes through the idempotency store.
 */
final class GatewayRoutes {
    private final PaymentLedger ledger;
    private final IdempotencyStore idempotency;

    GatewayRoutes(PaymentLedger ledger, IdempotencyStore idempotency) {
        this.ledger = ledger;
        this.idempotency = idempotency;
    }

    void register(RoutesConfig routes) {
        routes.post("/v1/authorizations", ctx -> idempotency.handle(ctx, this::authorize));
        routes.get("/v1/authorizations/{id}", ctx -> ctx.json(ledger.authorization(ctx.pathParam("id"))));
        routes.post("/v1/authorizations/{id}/capture", ctx -> idempotency.handle(ctx, body ->
                ApiResponse.created(ledger.capture(ctx.pathParam("id"), Json.optionalAmount(body, "amountMinor")))));
        routes.post("/v1/authorizations/{id}/void", ctx -> idempotency.handle(ctx, body ->
                ApiResponse.ok(ledger.voidAuthorization(ctx.pathParam("id")))));
        routes.get("/v1/charges/{id}", ctx -> ctx.json(ledger.charge(ctx.pathParam("id"))));
        routes.post("/v1/charges/{id}/refunds", ctx -> idempotency.handle(ctx, body ->
                ApiResponse.created(ledger.refund(ctx.pathParam("id"), Json.optionalAmount(body, "amountMinor")))));
        routes.get("/v1/ledger", this::ledger);
    }

    /** A decline is a successful API call (201) whose authorization says status "declined". */
    private ApiResponse authorize(JsonNode body) {
        String orderId = Json.text(body, "orderId");
        long amount = Json.amount(body, "amountMinor");
        String currency = Json.currency(body, "currency");
        String paymentMethod = Json.text(body, "paymentMethod");
        return ApiResponse.created(ledger.authorize(orderId, amount, currency, paymentMethod));
    }

    private void ledger(Context ctx) {
        String orderId = ctx.queryParam("orderId");
        List<PaymentLedger.Entry> entries = ledger.entries(orderId);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("authorizations", count(entries, "authorization"));
        summary.put("declines", count(entries, "decline"));
        summary.put("captures", count(entries, "capture"));
        summary.put("capturedMinor", sum(entries, "capture"));
        summary.put("voids", count(entries, "void"));
        summary.put("refunds", count(entries, "refund"));
        summary.put("refundedMinor", sum(entries, "refund"));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("orderId", orderId);
        result.put("entries", entries);
        result.put("summary", summary);
        ctx.json(result);
    }

    private static long count(List<PaymentLedger.Entry> entries, String type) {
        return entries.stream().filter(e -> e.type().equals(type)).count();
    }

    private static long sum(List<PaymentLedger.Entry> entries, String type) {
        return entries.stream().filter(e -> e.type().equals(type)).mapToLong(PaymentLedger.Entry::amountMinor).sum();
    }
}
