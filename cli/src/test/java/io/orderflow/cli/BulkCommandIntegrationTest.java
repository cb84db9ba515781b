package io.orderflow.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.admin.testing.AdminSystem;
import io.orderflow.admin.testing.ApiClient;
import io.orderflow.common.config.Config;
import io.orderflow.schema.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code orderflow bulk} against the running admin web app (its API, the real engine in direct mode, the projector):
 * a per-order result table, and one clear line for a missing or refused token, an unknown filter, or no admin.
 */
class BulkCommandIntegrationTest {
    @RegisterExtension
    static final AdminSystem SYSTEM = AdminSystem.start();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);

    private static String token;
    private static ApiClient api;

    @BeforeAll
    static void token() {
        token = SYSTEM.userWithToken("cli-bulk-" + RUN, Role.SUPPORT);
        api = new ApiClient(SYSTEM, SYSTEM.userWithToken("cli-setup-" + RUN, Role.ADMIN));
    }

    private static final List<OrderClient> CLIENTS = new ArrayList<>();

    @AfterAll
    static void closeClients() {
        CLIENTS.forEach(OrderClient::close);
    }

    private static CliRun bulk(String token, String... args) {
        Config config = SYSTEM.config().with("ORDERFLOW_ADMIN_URL", SYSTEM.url(""));
        OrderClient client = new OrderClient(token == null ? config : config.with("ORDERFLOW_ADMIN_TOKEN", token));
        CLIENTS.add(client);
        String[] all = new String[args.length + 1];
        all[0] = "bulk";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliRun.of(client, all);
    }

    private static String placed(String name, String email) throws Exception {
        String id = "cli-" + RUN + "-" + name;
        assertThat(api.place(id, email).status()).isEqualTo(200);
        // A bulk action picks its orders from the read model: wait until the projector has this one.
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/api/orders/" + id).status() == 200);
        return id;
    }

    @Test
    void aFileOfIdsGetsOneResultPerOrderAndExitsTwoWhenAnyIsRefused() throws Exception {
        String email = "file-" + RUN + "@example.com";
        String a = placed("a", email);
        String b = placed("b", email);
        String c = placed("c", email);
        assertThat(api.transition(c, "cancel", "changed mind").status()).isEqualTo(200);
        Path file = Files.createTempFile("bulk", ".txt");
        Files.writeString(file, "# orders to confirm\n" + a + "\n\n" + b + "\n" + c + "\n");

        CliRun run = bulk(token, "confirm", "--file", file.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.out()).startsWith("ORDER").contains("RESULT", "WHY");
        assertThat(run.out().lines().filter(l -> l.startsWith(a))).singleElement().asString().contains("applied");
        assertThat(run.out().lines().filter(l -> l.startsWith(b))).singleElement().asString().contains("applied");
        assertThat(run.out().lines().filter(l -> l.startsWith(c))).singleElement().asString()
                .contains("refused [INVALID_TRANSITION]", "order " + c + " is cancelled; confirm needs it to be pending");
        assertThat(run.out()).contains("applied 2, refused 1");
        assertThat(run.err()).contains("bulk confirm of 3 orders started", "3 of 3 answered");
    }

    @Test
    void aFilterTakesEveryMatchingOrderAndExitsZeroWhenAllAreApplied() throws Exception {
        String email = "filter-" + RUN + "@example.com";
        String a = placed("f1", email);
        String b = placed("f2", email);

        CliRun run = bulk(token, "cancel", "--state", "pending", "--search", email, "--reason", "duplicate orders");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.OK);
        assertThat(run.out()).contains(a, b).contains("applied 2").doesNotContain("refused");
    }

    @Test
    void withoutATokenItSaysHowToGetOne() {
        CliRun run = bulk(null, "confirm", "--state", "pending");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).isEqualTo("set ORDERFLOW_ADMIN_TOKEN to an API token (an admin issues one on the "
                + "admin's Users page)\n");
    }

    @Test
    void aWrongOrRevokedTokenIsRefusedInOneLine() {
        CliRun run = bulk("oft_not-a-token", "confirm", "--state", "pending");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).isEqualTo("the admin refused the API token in ORDERFLOW_ADMIN_TOKEN: this API token is "
                + "unknown or revoked [UNAUTHENTICATED]\n");
    }

    @Test
    void anUnknownStateOrTransitionIsRefusedWithTheAdminsReason() {
        CliRun state = bulk(token, "confirm", "--state", "lost");
        CliRun transition = bulk(token, "teleport", "--state", "pending");

        assertThat(state.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(state.err()).startsWith("refused: ").contains("lost", "[INVALID_QUERY]");
        assertThat(transition.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(transition.err()).startsWith("refused: ").contains("teleport", "[UNKNOWN_TRANSITION]");
    }

    @Test
    void anAdminThatCannotBeReachedExitsThreeInOneLine() {
        CliRun run = bulk(token, "confirm", "--state", "pending", "--admin-url", "http://127.0.0.1:9");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_ANSWER);
        assertThat(run.err()).startsWith("cannot reach the admin web app at http://127.0.0.1:9").endsWith("\n")
                .hasLineCount(1);
    }
}
