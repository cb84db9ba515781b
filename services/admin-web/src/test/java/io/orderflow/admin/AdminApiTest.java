package io.orderflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderflow.admin.testing.AdminSystem;
import io.orderflow.admin.testing.ApiClient;
import io.orderflow.domain.TransitionTable;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The JSON API against the real engine, projector and broker: tokens, roles, idempotency, errors, OpenAPI. */
class AdminApiTest {
    @RegisterExtension
    static final AdminSystem SYSTEM = AdminSystem.start();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    private static ApiClient admin;

    @BeforeAll
    static void tokens() {
        admin = new ApiClient(SYSTEM, SYSTEM.userWithToken("api-admin-" + RUN, Role.ADMIN));
    }

    private static String orderId(String name) {
        return "api-" + RUN + "-" + name;
    }

    /** Waits until the projector has the order at this version (the API answers from the engine, reads from it). */
    private static JsonNode orderAt(String orderId, long version) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ApiClient.Response r = admin.get("/api/orders/" + orderId);
            found[0] = r.body();
            return r.status() == 200 && r.body().path("order").path("version").asLong() == version;
        });
        return found[0];
    }

    @Test
    void placeAndTransitionAnswerWithTheEnginesResultAndTheOrderShowsWhatMayComeNext() throws Exception {
        String id = orderId("flow");
        ApiClient.Response placed = admin.place(id, "ann@example.com");
        assertThat(placed.status()).isEqualTo(200);
        assertThat(placed.body().path("status").asText()).isEqualTo("APPLIED");

        JsonNode order = orderAt(id, 1);
        assertThat(order.path("order").path("state").asText()).isEqualTo("PENDING");
        assertThat(order.path("order").path("totalMinor").asLong()).isEqualTo(2999);
        assertThat(order.path("availableTransitions")).extracting(JsonNode::asText).containsExactlyInAnyOrder("confirm", "cancel");
        assertThat(order.path("unavailableTransitions").toString()).contains("pay needs it to be confirmed");

        ApiClient.Response confirmed = admin.transition(id, "confirm", null);
        assertThat(confirmed.status()).isEqualTo(200);
        assertThat(confirmed.body().path("state").asText()).isEqualTo("CONFIRMED");
        orderAt(id, 2);
        ApiClient.Response history = admin.get("/api/orders/" + id + "/history");
        assertThat(history.body().path("history")).extracting(h -> h.path("transition").asText())
                .containsExactly("PLACE", "CONFIRM");
        assertThat(admin.get("/api/counts").body().path("counts").path("CONFIRMED").asLong()).isPositive();
    }

    @Test
    void theSameIdempotencyKeyIsAppliedOnceAndAnsweredTheSameAgain() throws Exception {
        String id = orderId("idem");
        admin.place(id, "idem@example.com");
        String key = "key-" + UUID.randomUUID();
        ApiClient.Response first = admin.post("/api/orders/" + id + "/transitions/confirm", "{}", key);
        ApiClient.Response again = admin.post("/api/orders/" + id + "/transitions/confirm", "{}", key);
        assertThat(first.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("commandId").asText()).isEqualTo(key);
        assertThat(again.body().path("message").asText()).isEqualTo(first.body().path("message").asText());
        JsonNode order = orderAt(id, 2);
        assertThat(order.path("order").path("state").asText()).isEqualTo("CONFIRMED");
        Thread.sleep(500); // a second application would show as version 3 by now
        assertThat(admin.get("/api/orders/" + id).body().path("order").path("version").asLong()).isEqualTo(2);
    }

    @Test
    void everyTransitionRefusesATokenWhoseRoleMayNotTakeIt() throws Exception {
        String id = orderId("roles");
        admin.place(id, "roles@example.com");
        List<String> checked = new ArrayList<>();
        for (Role role : List.of(Role.SUPPORT, Role.WAREHOUSE, Role.FINANCE)) {
            ApiClient client = new ApiClient(SYSTEM, SYSTEM.userWithToken(
                    role.name().toLowerCase(Locale.ROOT) + "-" + RUN, role));
            for (Transition t : Transition.values()) {
                if (t == Transition.PLACE || TransitionTable.rule(t).allows(role)) {
                    continue;
                }
                ApiClient.Response r = client.transition(id, t.name().toLowerCase(Locale.ROOT), "because");
                assertThat(r.status()).as("%s by %s", t, role).isEqualTo(403);
                assertThat(r.body().path("error").path("code").asText()).isEqualTo("FORBIDDEN");
                assertThat(r.body().path("error").path("message").asText())
                        .contains("role " + role.name().toLowerCase(Locale.ROOT) + " may not");
                checked.add(t + "/" + role);
            }
        }
        assertThat(checked).hasSizeGreaterThan(10);
        assertThat(orderAt(id, 1).path("order").path("state").asText()).isEqualTo("PENDING");
    }

    @Test
    void errorsAreJsonWithTheEnginesCode() throws Exception {
        String id = orderId("errors");
        admin.place(id, "errors@example.com");
        ApiClient.Response stale = admin.post("/api/orders/" + id + "/transitions/confirm", "{\"expectedVersion\": 7}");
        assertThat(stale.status()).isEqualTo(409);
        assertThat(stale.body().path("error").path("code").asText()).isEqualTo("VERSION_CONFLICT");
        ApiClient.Response wrongState = admin.transition(id, "ship", null);
        assertThat(wrongState.status()).isEqualTo(409);
        assertThat(wrongState.body().path("error").path("message").asText()).contains("ship needs it to be paid");
        assertThat(admin.transition(id, "teleport", null).status()).isEqualTo(404);
        assertThat(admin.get("/api/orders/no-such-order-" + RUN).body().path("error").path("code").asText())
                .isEqualTo("UNKNOWN_ORDER");
        ApiClient.Response badJson = admin.post("/api/orders", "{not json");
        assertThat(badJson.status()).isEqualTo(400);
        assertThat(badJson.body().path("error").path("code").asText()).isEqualTo("INVALID_JSON");
        assertThat(admin.get("/api/orders?state=nonsense").status()).isEqualTo(400);
    }

    @Test
    void aRevokedOrUnknownTokenIsRefused() throws Exception {
        String token = SYSTEM.userWithToken("revoked-" + RUN, Role.SUPPORT);
        ApiClient client = new ApiClient(SYSTEM, token);
        assertThat(client.get("/api/counts").status()).isEqualTo(200);
        long id = SYSTEM.tokens().list().stream().filter(t -> t.username().equals("revoked-" + RUN))
                .findFirst().orElseThrow().id();
        SYSTEM.tokens().revoke(id);
        ApiClient.Response refused = client.get("/api/counts");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(new ApiClient(SYSTEM, "oft_made-up").get("/api/counts").status()).isEqualTo(401);
        assertThat(new ApiClient(SYSTEM, null).get("/api/orders").status()).isEqualTo(401);
    }

    @Test
    void bulkThroughTheApiAnswersPerOrder() throws Exception {
        List<String> ids = List.of(orderId("bulk-1"), orderId("bulk-2"), orderId("bulk-3"));
        for (String id : ids) {
            admin.place(id, "bulk@example.com");
        }
        admin.transition(ids.get(2), "cancel", "customer asked");
        ApiClient.Response started = admin.post("/api/bulk", new ObjectMapper().createObjectNode()
                .put("transition", "confirm").set("orderIds", new ObjectMapper().valueToTree(ids)).toString());
        assertThat(started.status()).isEqualTo(202);
        long job = started.body().path("id").asLong();
        JsonNode[] progress = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            progress[0] = admin.get("/api/bulk/" + job).body();
            return progress[0].path("done").asBoolean();
        });
        assertThat(progress[0].path("items")).extracting(i -> i.path("orderId").asText() + "=" + i.path("status").asText())
                .containsExactly(ids.get(0) + "=APPLIED", ids.get(1) + "=APPLIED", ids.get(2) + "=REJECTED");
    }

    /** The hand-written document must describe what the app serves: every route, every transition. */
    @Test
    void theOpenApiDocumentDescribesTheRoutesAndTransitions() throws Exception {
        JsonNode doc = new ApiClient(SYSTEM, null).get("/api/openapi.json").body();
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        List<String> paths = new ArrayList<>();
        doc.path("paths").fieldNames().forEachRemaining(paths::add);
        assertThat(paths).containsExactlyInAnyOrder("/api/orders", "/api/orders/{id}", "/api/orders/{id}/history",
                "/api/orders/{id}/transitions/{transition}", "/api/commands/{id}", "/api/counts", "/api/bulk",
                "/api/bulk/{id}");
        List<String> transitions = new ArrayList<>();
        doc.path("components").path("schemas").path("Transition").path("enum").forEach(t -> transitions.add(t.asText()));
        assertThat(transitions).containsExactlyInAnyOrderElementsOf(Arrays.stream(Transition.values())
                .filter(t -> t != Transition.PLACE).map(t -> t.name().toLowerCase(Locale.ROOT)).toList());
        try (InputStream routes = AdminApiTest.class.getResourceAsStream("/openapi.json")) {
            assertThat(routes).isNotNull();
        }
    }
}
