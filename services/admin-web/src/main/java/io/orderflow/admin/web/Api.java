package io.orderflow.admin.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.orderflow.admin.AdminWeb;
import io.orderflow.admin.auth.StaffUser;
import io.orderflow.admin.bulk.BulkJobs;
import io.orderflow.admin.orders.Availability;
import io.orderflow.admin.orders.CommandGateway;
import io.orderflow.admin.orders.OrderDetail;
import io.orderflow.admin.orders.OrderFilter;
import io.orderflow.admin.orders.OrderQueries;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.Transition;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON API for upstream systems, under {@code /api}: everything the pages do. Authenticated by API token only
 * ({@code Authorization: Bearer oft_...}); session cookies are ignored here, so no other site can make a browser call
 * it. {@code Idempotency-Key} becomes the command id: the engine applies a command id once and repeats its answer.
 * Errors are {@code {"error": {"code", "message"}}} with the engine's rejection code where it refused.
 */
final class Api {
    private static final String USER_KEY = "apiUser";

    private final AdminWeb.Parts parts;

    Api(AdminWeb.Parts parts) {
        this.parts = parts;
    }

    /** An error answer; {@code code} is the engine's rejection code or one of the API's own. */
    static final class ApiError extends RuntimeException {
        final int status;
        final String code;

        ApiError(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    void install(RoutesConfig routes) {
        routes.before("/api/*", this::authenticate);
        routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status, e.code, e.getMessage()));
        routes.get("/api/openapi.json", this::openApi);
        routes.get("/api/orders", this::list);
        routes.post("/api/orders", this::place);
        routes.get("/api/orders/{id}", this::order);
        routes.get("/api/orders/{id}/history", ctx -> ctx.json(Map.of("history", find(ctx).history())));
        routes.post("/api/orders/{id}/transitions/{transition}", this::transition);
        routes.get("/api/commands/{id}", this::command);
        routes.get("/api/counts", ctx -> ctx.json(Map.of("counts", parts.orders().countsByState())));
        routes.post("/api/bulk", this::bulk);
        routes.get("/api/bulk/{id}", this::bulkProgress);
    }

    private void authenticate(Context ctx) {
        if (ctx.path().equals("/api/openapi.json")) {
            return;
        }
        String header = ctx.header("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim()
                : null;
        Optional<StaffUser> user = parts.tokens().authenticate(token);
        if (user.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer");
            error(ctx, 401, "UNAUTHENTICATED", token == null ? "send an API token: Authorization: Bearer <token>"
                    : "this API token is unknown or revoked");
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(USER_KEY, user.get());
    }

    private static StaffUser user(Context ctx) {
        return ctx.attribute(USER_KEY);
    }

    private static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).json(Map.of("error", Map.of("code", code, "message", String.valueOf(message))));
    }

    private void openApi(Context ctx) throws IOException {
        try (InputStream in = Api.class.getResourceAsStream("/openapi.json")) {
            ctx.contentType("application/json").result(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    private void list(Context ctx) {
        OrderFilter filter;
        try {
            filter = OrderFilter.parse(ctx.queryParam("state"), ctx.queryParam("condition"), ctx.queryParam("q"),
                    ctx.queryParam("sort"), ctx.queryParam("after"), ctx.queryParam("limit"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "INVALID_QUERY", e.getMessage());
        }
        OrderQueries.Page page = parts.orders().list(filter);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("orders", page.rows());
        body.put("next", page.next().map(OrderFilter.Cursor::encode).orElse(null));
        ctx.json(body);
    }

    private OrderDetail find(Context ctx) {
        String id = ctx.pathParam("id");
        return parts.orders().find(id).orElseThrow(() -> new ApiError(404, "UNKNOWN_ORDER", "no order '" + id + "'"));
    }

    private void order(Context ctx) {
        OrderDetail order = find(ctx);
        List<Availability.Option> options = parts.availability().options(order, user(ctx).actor());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("order", order);
        body.put("availableTransitions", options.stream().filter(Availability.Option::allowed)
                .map(Availability.Option::label).toList());
        body.put("unavailableTransitions", options.stream().filter(o -> !o.allowed())
                .map(o -> Map.of("transition", o.label(), "code", o.code(), "reason", o.reason())).toList());
        ctx.json(body);
    }

    private void transition(Context ctx) throws Exception {
        Transition transition;
        try {
            transition = Pages.transitionParam(ctx.pathParam("transition"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(404, "UNKNOWN_TRANSITION", e.getMessage());
        }
        JsonNode body = body(ctx);
        Long expected = body.hasNonNull("expectedVersion") ? body.get("expectedVersion").asLong() : null;
        String reason = body.hasNonNull("reason") ? body.get("reason").asText() : null;
        send(ctx, new CommandGateway.Request(ctx.header("Idempotency-Key"), ctx.pathParam("id"), transition,
                user(ctx).actor(), expected, reason, null));
    }

    private void place(Context ctx) throws Exception {
        JsonNode body = body(ctx);
        String orderId = text(body, "orderId");
        List<OrderLine> lines = new ArrayList<>();
        if (body.path("lines").isArray()) {
            for (JsonNode line : body.get("lines")) {
                lines.add(new OrderLine(text(line, "sku"), line.path("quantity").asInt(),
                        new Money(line.path("unitPrice").path("amountMinor").asLong(),
                                text(line.path("unitPrice"), "currency"))));
            }
        }
        OrderDetails details = new OrderDetails(text(body, "customerId"), text(body, "customerEmail"), lines,
                body.hasNonNull("paymentMethod") ? body.get("paymentMethod").asText() : null,
                body.hasNonNull("shippingAddress") ? body.get("shippingAddress").asText() : null);
        send(ctx, new CommandGateway.Request(ctx.header("Idempotency-Key"), orderId, Transition.PLACE,
                user(ctx).actor(), null, null, details));
    }

    /** Sends the command and answers with the engine's result, or 202 with the command id if it is still coming. */
    private void send(Context ctx, CommandGateway.Request request) throws Exception {
        String commandId = parts.gateway().send(request).get();
        Optional<CommandGateway.Result> result = parts.gateway().await(commandId, parts.resultWait());
        if (result.isEmpty()) {
            ctx.status(202).json(Map.of("commandId", commandId, "status", "PENDING",
                    "message", "the engine has not answered yet; GET /api/commands/" + commandId));
            return;
        }
        result(ctx, result.get());
    }

    private void command(Context ctx) {
        String id = ctx.pathParam("id");
        Optional<CommandGateway.Result> result = parts.gateway().result(id);
        if (result.isEmpty()) {
            ctx.status(202).json(Map.of("commandId", id, "status", "PENDING"));
            return;
        }
        result(ctx, result.get());
    }

    private static void result(Context ctx, CommandGateway.Result r) {
        if (r.refused()) {
            ctx.status(statusOf(r.rejectionCode())).json(Map.of("error", Map.of("code", r.rejectionCode(),
                    "message", r.message()), "commandId", r.commandId()));
            return;
        }
        ctx.status("IN_FLIGHT".equals(r.status()) ? 202 : 200).json(r);
    }

    static int statusOf(String rejectionCode) {
        return switch (String.valueOf(rejectionCode)) {
            case "FORBIDDEN" -> 403;
            case "UNKNOWN_ORDER" -> 404;
            case "INVALID_COMMAND" -> 422;
            default -> 409; // the order's state, version, hours or an in-flight step stands in the way
        };
    }

    private void bulk(Context ctx) {
        JsonNode body = body(ctx);
        Transition transition;
        try {
            transition = Pages.transitionParam(text(body, "transition"));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "UNKNOWN_TRANSITION", e.getMessage());
        }
        List<String> ids = new ArrayList<>();
        if (body.path("orderIds").isArray()) {
            body.get("orderIds").forEach(id -> ids.add(id.asText()));
        } else if (body.path("filter").isObject()) {
            JsonNode f = body.get("filter");
            try {
                OrderFilter filter = OrderFilter.parse(f.path("state").asText(null), f.path("condition").asText(null),
                        f.path("q").asText(null), null, null, null);
                ids.addAll(parts.orders().ids(filter, BulkJobs.MAX_ORDERS + 1));
            } catch (IllegalArgumentException e) {
                throw new ApiError(400, "INVALID_QUERY", e.getMessage());
            }
        } else {
            throw new ApiError(400, "INVALID_REQUEST", "give orderIds (a list) or filter (state, condition, q)");
        }
        try {
            long job = parts.bulk().start(user(ctx), transition,
                    body.hasNonNull("reason") ? body.get("reason").asText() : null, ids);
            ctx.status(202).header("Location", "/api/bulk/" + job).json(Map.of("id", job, "orders", ids.size()));
        } catch (IllegalArgumentException e) {
            throw new ApiError(400, "INVALID_REQUEST", e.getMessage());
        }
    }

    private void bulkProgress(Context ctx) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new ApiError(404, "UNKNOWN_BULK", "no bulk action " + ctx.pathParam("id"));
        }
        BulkJobs.Progress p = parts.bulk().progress(id)
                .orElseThrow(() -> new ApiError(404, "UNKNOWN_BULK", "no bulk action " + id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", p.id());
        body.put("transition", p.transition());
        body.put("total", p.total());
        body.put("answered", p.answered());
        body.put("done", p.done());
        body.put("items", p.items());
        ctx.json(body);
    }

    private static JsonNode body(Context ctx) {
        try {
            String text = ctx.body();
            return text.isBlank() ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new ApiError(400, "INVALID_JSON", "the body is not JSON: " + e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.asText().isBlank()) {
            throw new ApiError(400, "INVALID_REQUEST", "'" + field + "' is required");
        }
        return value.asText();
    }
}
