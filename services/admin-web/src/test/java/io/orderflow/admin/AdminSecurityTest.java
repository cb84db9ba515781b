package io.orderflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.admin.auth.Users;
import io.orderflow.admin.testing.AdminSystem;
import io.orderflow.admin.testing.ApiClient;
import io.orderflow.admin.testing.WebClient;
import io.orderflow.schema.Role;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What the pages refuse or defuse: forged forms, script in data, SQL in search, password guessing, cookie theft. */
class AdminSecurityTest {
    @RegisterExtension
    static final AdminSystem SYSTEM = AdminSystem.start();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static ApiClient api;

    @BeforeAll
    static void token() {
        api = new ApiClient(SYSTEM, SYSTEM.userWithToken("sec-api-" + RUN, Role.ADMIN));
    }

    private static WebClient signedIn() throws Exception {
        WebClient web = new WebClient(SYSTEM);
        assertThat(web.login("admin", AdminSystem.ADMIN_PASSWORD).statusCode()).isEqualTo(302);
        return web;
    }

    private static String placed(String name, String email) throws Exception {
        String id = "sec-" + RUN + "-" + name;
        assertThat(api.place(id, email).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/orders/" + id).status() == 200);
        return id;
    }

    @Test
    void formsWithoutTheSessionsCsrfTokenAreRefused() throws Exception {
        String id = placed("csrf", "csrf@example.com");
        WebClient web = signedIn();
        web.get("/orders/" + id);
        assertThat(web.postRaw("/orders/" + id + "/transitions/confirm", Map.of("version", "1")).statusCode())
                .isEqualTo(403);
        assertThat(web.postRaw("/orders/" + id + "/transitions/confirm", Map.of("version", "1", "_csrf", "forged"))
                .statusCode()).isEqualTo(403);
        assertThat(web.postRaw("/users", Map.of("username", "intruder", "password", "0123456789ab", "role", "admin"))
                .statusCode()).isEqualTo(403);
        assertThat(SYSTEM.users().exists("intruder")).isFalse();
        Thread.sleep(500);
        assertThat(api.get("/api/orders/" + id).body().path("order").path("state").asText()).isEqualTo("PENDING");
        // The same form with the token goes through.
        HttpResponse<String> ok = web.post("/orders/" + id + "/transitions/confirm", Map.of("version", "1"));
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).contains("Applied");
        // The login form is protected too (double-submit cookie).
        assertThat(new WebClient(SYSTEM).postRaw("/login", Map.of("username", "admin",
                "password", AdminSystem.ADMIN_PASSWORD, "_csrf", "x".repeat(43))).statusCode()).isEqualTo(403);
    }

    @Test
    void scriptInOrderFieldsAndReasonsIsShownEscaped() throws Exception {
        String id = placed("xss", "<script>alert(1)</script>@example.com");
        assertThat(api.transition(id, "cancel", "<script>alert('reason')</script>").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/api/orders/" + id).body().path("order").path("state").asText().equals("CANCELLED"));
        WebClient web = signedIn();
        String page = web.get("/orders/" + id).body();
        assertThat(page).contains("&lt;script&gt;alert(1)&lt;/script&gt;@example.com")
                .contains("&lt;script&gt;alert('reason')&lt;/script&gt;")
                .doesNotContain("<script>alert");
        assertThat(web.get("/orders?q=" + id).body()).doesNotContain("<script>alert");
        assertThat(web.get("/orders/" + id).headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("script-src 'self'");
    }

    @Test
    void sqlMetacharactersInSearchAndFiltersDoNothingHarmful() throws Exception {
        String id = placed("sql", "sql@example.com");
        WebClient web = signedIn();
        HttpResponse<String> search = web.get("/orders?q=" + enc("' or 1=1; drop table orders; --"));
        assertThat(search.statusCode()).isEqualTo(200);
        assertThat(search.body()).contains("No orders match.");
        assertThat(web.get("/orders?q=" + enc("%")).body()).contains("No orders match.");
        assertThat(web.get("/orders?state=" + enc("paid' or '1'='1")).statusCode()).isEqualTo(400);
        assertThat(web.get("/orders?sort=" + enc("placed_at; drop table users")).statusCode()).isEqualTo(400);
        assertThat(api.get("/api/orders?q=" + enc("sql@example.com' --")).body().path("orders")).isEmpty();
        assertThat(api.get("/api/orders?q=" + id).body().path("orders")).hasSize(1);
        long users = SYSTEM.jdbi().withHandle(h -> h.createQuery("select count(*) from users").mapTo(Long.class).one());
        assertThat(users).isPositive();
    }

    @Test
    void wrongPasswordsAreRefusedAndThenTheAccountIsLocked() throws Exception {
        String user = "guessed-" + RUN;
        SYSTEM.users().create(user, AdminSystem.ADMIN_PASSWORD, Role.SUPPORT);
        WebClient web = new WebClient(SYSTEM);
        for (int i = 0; i < Users.FREE_ATTEMPTS; i++) {
            HttpResponse<String> refused = web.login(user, "wrong-" + i);
            assertThat(refused.statusCode()).isEqualTo(401);
            assertThat(refused.body()).contains("wrong user name or password");
        }
        HttpResponse<String> locked = web.login(user, AdminSystem.ADMIN_PASSWORD);
        assertThat(locked.statusCode()).isEqualTo(401);
        assertThat(locked.body()).contains("too many wrong passwords");
        assertThat(SYSTEM.users().list()).filteredOn(a -> a.username().equals(user))
                .singleElement().satisfies(a -> assertThat(a.lockedUntil()).isNotNull());
        // An unknown name gets the same answer as a wrong password.
        assertThat(web.login("nobody-" + RUN, "whatever").body()).contains("wrong user name or password");
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteAndLogoutEndsTheSession() throws Exception {
        WebClient web = new WebClient(SYSTEM);
        HttpResponse<String> login = web.login("admin", AdminSystem.ADMIN_PASSWORD);
        List<String> cookies = login.headers().allValues("Set-Cookie");
        assertThat(cookies).filteredOn(c -> c.startsWith("orderflow_session="))
                .singleElement().satisfies(c -> assertThat(c).contains("HttpOnly").contains("SameSite=Strict"));
        assertThat(web.get("/orders").statusCode()).isEqualTo(200);
        web.get("/orders");
        assertThat(web.post("/logout", Map.of()).statusCode()).isEqualTo(302);
        assertThat(web.get("/orders").statusCode()).isEqualTo(302); // back to the login page
    }

    @Test
    void onlyAnAdminManagesUsers() throws Exception {
        String clerk = "support-" + RUN;
        SYSTEM.users().create(clerk, AdminSystem.ADMIN_PASSWORD, Role.SUPPORT);
        WebClient web = new WebClient(SYSTEM);
        web.login(clerk, AdminSystem.ADMIN_PASSWORD);
        assertThat(web.get("/users").statusCode()).isEqualTo(403);
        web.get("/orders");
        assertThat(web.post("/users", Map.of("username", "made-by-support", "password", "0123456789ab",
                "role", "admin")).statusCode()).isEqualTo(403);
        assertThat(SYSTEM.users().exists("made-by-support")).isFalse();

        WebClient admin = signedIn();
        admin.get("/users");
        HttpResponse<String> created = admin.post("/users", Map.of("username", "new-" + RUN,
                "password", "0123456789ab", "role", "finance"));
        assertThat(created.body()).contains("created user new-" + RUN);
        assertThat(SYSTEM.users().active("new-" + RUN).orElseThrow().role()).isEqualTo(Role.FINANCE);
        assertThat(admin.post("/users", Map.of("username", "short-" + RUN, "password", "short", "role", "finance"))
                .body()).contains("at least 10 characters");
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }
}
