package io.orderflow.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.admin.testing.AdminSystem;
import io.orderflow.admin.testing.ApiClient;
import io.orderflow.admin.testing.Browser;
import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.schema.Role;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The admin in real headless Chromium against the real engine, projector and broker: what a person sees and clicks.
 * One browser for the class; screenshots of each flow land in target/screenshots/.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminBrowserTest {
    @RegisterExtension
    static final AdminSystem SYSTEM = AdminSystem.start();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    private static Browser browser;
    private static ApiClient api;

    @BeforeAll
    static void startBrowser() throws Exception {
        browser = Browser.start();
        api = new ApiClient(SYSTEM, SYSTEM.userWithToken("browser-api-" + RUN, Role.ADMIN));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    private static void signIn(String user, String password) {
        browser.open(SYSTEM.url("/login"));
        browser.type("#username", user);
        browser.type("#password", password);
        browser.click("#sign-in");
    }

    /** Signs in and waits for the orders page, however long the password check takes on a busy machine. */
    private static void signedIn(String user, String password) {
        signIn(user, password);
        browser.waitFor(".whoami");
    }

    private static void signOut() {
        browser.click(".whoami button");
        browser.waitFor("#sign-in");
    }

    /** Places an order through the API and waits until the read model shows it. */
    private static String placed(String name, String email) throws Exception {
        String id = "web-" + RUN + "-" + name;
        assertThat(api.place(id, email).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/orders/" + id).status() == 200);
        return id;
    }

    private static void openOrder(String id) {
        browser.open(SYSTEM.url("/orders/" + id));
        browser.waitFor("#order-state");
    }

    private static void take(String transition) {
        browser.click("#do-" + transition);
    }

    @Test
    @Order(1)
    void signInRefusesAWrongPasswordThenLetsTheAdminIn() throws Exception {
        signIn("admin", "not-the-password");
        assertThat(browser.find("#login-error").getText()).contains("wrong user name or password");
        browser.screenshot("01-login-refused");
        signedIn("admin", AdminSystem.ADMIN_PASSWORD);
        assertThat(browser.find(".whoami").getText()).contains("admin (admin)");
        browser.screenshot("02-orders-list");
    }

    @Test
    @Order(2)
    void anOrderGoesFromPendingToDeliveredAndIsRefundedInTheBrowser() throws Exception {
        String id = placed("life", "life@example.com");
        browser.open(SYSTEM.url("/orders?q=" + id));
        browser.click("a[href='/orders/" + id + "']");
        assertThat(browser.find("#order-state").getText()).isEqualTo("pending");
        assertThat(browser.find("#why-pay").getText()).contains("pay needs it to be confirmed");
        assertThat(browser.find("#do-pay").isEnabled()).isFalse();
        browser.screenshot("03-order-pending");

        for (String[] step : List.of(new String[] {"confirm", "confirmed"}, new String[] {"pay", "paid"},
                new String[] {"ship", "shipped"}, new String[] {"deliver", "delivered"})) {
            take(step[0]);
            browser.waitForText("#outcome-message", "Applied");
            browser.waitForText("#order-state", step[1]);
        }
        assertThat(browser.find("#order-version").getText()).isEqualTo("5");
        browser.type("#reason-refund", "arrived damaged");
        take("refund");
        browser.waitForText("#order-state", "refunded");
        assertThat(browser.find("#history").getText()).contains("refund", "arrived damaged", "admin (admin)");
        browser.screenshot("04-order-refunded");
    }

    @Test
    @Order(3)
    void aStalePagesClickIsRefusedAsChangedSinceLoaded() throws Exception {
        String id = placed("stale", "stale@example.com");
        openOrder(id);
        assertThat(api.transition(id, "confirm", null).status()).isEqualTo(200);
        browser.type("#reason-cancel", "customer asked");
        take("cancel");
        browser.waitForText("#outcome-message", "order changed since you loaded it");
        assertThat(browser.find("#outcome-message").getText()).contains("VERSION_CONFLICT");
        browser.waitForText("#order-state", "confirmed"); // the page catches up on its own
        browser.screenshot("05-stale-refused");
    }

    @Test
    @Order(4)
    void aRefusedTransitionShowsTheEnginesReason() throws Exception {
        String id = placed("refused", "refused@example.com");
        String clerk = "clerk-" + RUN;
        SYSTEM.users().create(clerk, AdminSystem.ADMIN_PASSWORD, Role.ADMIN);
        signOut();
        signedIn(clerk, AdminSystem.ADMIN_PASSWORD);
        openOrder(id);
        // The clerk's role changes after the page was drawn: the button is still there, the engine refuses it.
        SYSTEM.users().setRole(clerk, Role.WAREHOUSE);
        browser.type("#reason-cancel", "duplicate order");
        take("cancel");
        browser.waitForText("#outcome-message", "Refused");
        assertThat(browser.find("#outcome-message").getText())
                .contains("role warehouse may not cancel order " + id).contains("FORBIDDEN");
        browser.screenshot("06-refused-by-role");
        signOut();
        signedIn("admin", AdminSystem.ADMIN_PASSWORD);
    }

    @Test
    @Order(5)
    void aBulkActionShowsPerOrderResults() throws Exception {
        String email = "bulk-" + RUN + "@example.com";
        String a = placed("bulk-a", email);
        String b = placed("bulk-b", email);
        String c = placed("bulk-c", email);
        assertThat(api.transition(c, "cancel", "changed mind").status()).isEqualTo(200);
        browser.open(SYSTEM.url("/orders?q=bulk-" + RUN));
        browser.click("#select-all");
        new org.openqa.selenium.support.ui.Select(browser.find("#bulk-transition")).selectByValue("confirm");
        browser.click("#bulk-submit");
        WebElement progress = browser.waitFor("#bulk-progress[data-done='true']");
        browser.screenshot("07-bulk-results");
        assertThat(progress.findElement(By.id("bulk-summary")).getText()).contains("applied 2", "refused 1");
        String table = browser.find("#bulk-results").getText();
        assertThat(table).contains(a, b, c).contains("order " + c + " is cancelled; confirm needs it to be pending");
    }

    @Test
    @Order(6)
    void theReportsPageShowsItsCharts() throws Exception {
        browser.open(SYSTEM.url("/reports"));
        WebElement chart = browser.find("#counts-chart svg.chart");
        assertThat(chart.findElements(By.cssSelector("rect.bar"))).hasSize(7);
        assertThat(browser.find("#state-counts").getText()).contains("refunded", "confirmed");
        assertThat(browser.find("#per-hour-chart svg").findElements(By.tagName("rect"))).isNotEmpty();
        browser.screenshot("08-reports");
    }

    @Test
    @Order(7)
    void aPhoneSizedWindowShowsTheOrderPageUsably() throws Exception {
        String id = placed("phone", "phone@example.com");
        browser.resize(390, 844);
        try {
            openOrder(id);
            Number overflow = (Number) browser.script(
                    "return document.documentElement.scrollWidth - document.documentElement.clientWidth;");
            assertThat(overflow.intValue()).as("horizontal overflow in px").isLessThanOrEqualTo(0);
            WebElement confirm = browser.find("#do-confirm");
            assertThat(confirm.getSize().getHeight()).isGreaterThanOrEqualTo(36); // a finger can hit it
            browser.screenshot("09-phone-order");
            take("confirm");
            browser.waitForText("#order-state", "confirmed");
            browser.screenshot("10-phone-confirmed");
        } finally {
            browser.resize(1280, 1000);
        }
    }

    @Test
    @Order(8)
    void theUsersPageCreatesAUserAndIssuesATokenThatWorksUntilRevoked() throws Exception {
        String clerk = "finance-" + RUN;
        browser.open(SYSTEM.url("/users"));
        browser.type("#new-username", clerk);
        browser.type("#new-password", "a-long-enough-password");
        new org.openqa.selenium.support.ui.Select(browser.find("#new-role")).selectByValue("finance");
        browser.click("#create-user");
        browser.waitForText("#notice", "created user " + clerk);
        assertThat(browser.find("#users").getText()).contains(clerk, "active");

        String tokenName = "erp-" + RUN;
        browser.type("#token-name", tokenName);
        new org.openqa.selenium.support.ui.Select(browser.find("#token-user")).selectByValue(clerk);
        browser.click("#issue-token");
        String token = browser.waitFor("#new-token").getText();
        browser.screenshot("11-token-issued");
        ApiClient asClerk = new ApiClient(SYSTEM, token);
        String id = placed("token", "token@example.com");
        ApiClient.Response refused = asClerk.transition(id, "confirm", null);
        assertThat(refused.status()).as("the token acts as the finance user: confirm is not theirs").isEqualTo(403);
        assertThat(refused.body().path("error").path("code").asText()).isEqualTo("FORBIDDEN");
        assertThat(asClerk.get("/api/orders/" + id).status()).isEqualTo(200);

        browser.driver().findElement(By.xpath("//table[@id='tokens']//tr[td[2][text()='" + tokenName + "']]//button"))
                .click();
        browser.waitForText("#notice", "revoked token");
        assertThat(browser.find("#tokens").getText()).contains(tokenName).contains("revoked");
        browser.screenshot("12-token-revoked");
        ApiClient.Response afterRevoke = asClerk.get("/api/orders/" + id);
        assertThat(afterRevoke.status()).isEqualTo(401);
        assertThat(afterRevoke.body().path("error").path("message").asText()).contains("revoked");
    }

    @Test
    @Order(9)
    void aBulkActionOfAThousandOrdersShowsProgressAndFinishesInTheBrowserAndTheApi() throws Exception {
        String email = "thousand-" + RUN + "@example.com";
        List<String> ids = SYSTEM.placeMany("k-" + RUN, email, 1000);
        browser.open(SYSTEM.url("/orders?state=pending&q=" + email));
        browser.click("#bulk-all");
        new org.openqa.selenium.support.ui.Select(browser.find("#bulk-transition")).selectByValue("confirm");
        browser.click("#bulk-submit");
        // The page answers at once and fills in as the engine answers, however long the 1,000 take.
        browser.waitFor("#bulk-bar");
        assertThat(browser.script("return document.getElementById('bulk-bar').max")).isEqualTo(1000L);
        browser.screenshot("13-bulk-1000-progress");
        WebElement done = browser.waitFor("#bulk-progress[data-done='true']", Duration.ofMinutes(5));
        assertThat(done.findElement(By.id("bulk-summary")).getText()).contains("applied 1000", "refused 0");
        assertThat(browser.driver().findElements(By.cssSelector("#bulk-results tbody tr"))).hasSize(1000);
        browser.screenshot("14-bulk-1000-done");

        ApiClient.Response started = api.post("/api/bulk", """
                {"transition": "cancel", "reason": "bulk test", "filter": {"state": "confirmed", "q": "%s"}}"""
                .formatted(email));
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.body().path("orders").asInt()).isEqualTo(1000);
        long job = started.body().path("id").asLong();
        JsonNode[] progress = new JsonNode[1];
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500)).until(() -> {
            progress[0] = api.get("/api/bulk/" + job).body();
            return progress[0].path("done").asBoolean();
        });
        assertThat(progress[0].path("total").asInt()).isEqualTo(1000);
        List<String> applied = new java.util.ArrayList<>();
        progress[0].path("items").forEach(item -> {
            if (item.path("status").asText().equals("APPLIED")) {
                applied.add(item.path("orderId").asText());
            }
        });
        assertThat(applied).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    @Order(99) // last: it stops the engine
    void aClickTheEngineDoesNotAnswerSaysStillProcessingInsteadOfHanging() throws Exception {
        String id = placed("silent", "silent@example.com");
        openOrder(id);
        SYSTEM.stopEngine();
        take("confirm");
        browser.waitForText("#outcome-message", "Sent; waiting for the engine");
        browser.waitForText("#outcome-message", "Still processing", Duration.ofSeconds(90));
        assertThat(browser.find("#outcome-message").getText()).contains("has not answered command");
        assertThat(browser.find("#order-state").getText()).isEqualTo("pending");
        browser.screenshot("15-still-processing");
    }
}
