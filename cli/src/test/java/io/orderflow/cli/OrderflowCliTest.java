package io.orderflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.config.Config;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CLI's own answers, with no broker at all (its address points at a closed port): careless input is refused
 * before anything is sent, naming the field and the limit (exit 2); an unreachable broker is one line within
 * {@code --timeout} (exit 3); never a stack trace.
 */
class OrderflowCliTest {
    private static String nowhere;
    private static OrderClient client;

    @BeforeAll
    static void noBroker() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            nowhere = "127.0.0.1:" + socket.getLocalPort(); // closed again: nothing listens there
        }
        client = new OrderClient(Config.of(Map.of("ORDERFLOW_KAFKA_BOOTSTRAP", nowhere)));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private static CliRun place(String... extra) {
        List<String> args = new ArrayList<>(List.of("place", "--customer", "c-7", "--email", "ann@example.com",
                "--as", "c-7:customer", "--timeout", "20s"));
        args.addAll(List.of(extra));
        return CliRun.of(client, args.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            non-ASCII order id       | --order=b-ünï-日本-🚀                 | --line=SKU-1:1:1.00            | --address=Ann Smith, 1 Main St, 10115 Berlin | order id 'b-ünï-日本-🚀' may use only ASCII letters, digits and . _ -
            no shipping address      | --order=o-1                          | --line=SKU-1:1:1.00            | --reason=none                                | shipping address is missing
            incomplete address       | --order=o-1                          | --line=SKU-1:1:1.00            | --address=Berlin                             | shipping address 'Berlin' lacks the street and postal code
            currency XX              | --currency=XX                        | --line=SKU-1:1:1.00            | --address=Ann Smith, 1 Main St, 10115 Berlin | currency 'XX' is not an ISO 4217 code like EUR or USD
            price 0                  | --order=o-1                          | --line=SKU-1:1:0               | --address=Ann Smith, 1 Main St, 10115 Berlin | total is 0.00 EUR; an order must cost something
            price over the limit     | --order=o-1                          | --line=SKU-1:1:99999999999999999999.99 | --address=x                          | unit price must be from 0.00 to 1000000.00, got '99999999999999999999.99'
            quantity 99999999999     | --order=o-1                          | --line=SKU-1:99999999999:1.00  | --address=x                                  | quantity must be from 1 to 10000, got 99999999999
            quantity 2147483647      | --order=o-1                          | --line=SKU-1:2147483647:1.00   | --address=x                                  | quantity must be from 1 to 10000, got 2147483647
            quantity not a number    | --order=o-1                          | --line=SKU-1:two:1.00          | --address=x                                  | quantity 'two' must be a whole number from 1 to 10000
            """)
    void carelessInputIsRefusedBeforeSendingNamingFieldAndLimit(String row, String a, String b, String c,
                                                                 String message) {
        CliRun run = place(a, b, c);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(run.took()).as("refused at once: nothing was sent to the (absent) broker")
                .isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aFarTooLongOrderIdIsRefusedQuotingOnlyItsStart() {
        CliRun run = place("--order=" + "x".repeat(10_000), "--line=SKU-1:1:1.00",
                "--address=Ann Smith, 1 Main St, 10115 Berlin");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(run.err()).contains("order id is 10000 characters long; the limit is 64").hasSizeLessThan(400);
    }

    @Test
    void anUnreachableBrokerIsOneLineWithinTheTimeout() {
        CliRun run = CliRun.of(client, "cancel", "o-1", "--as", "ann:support", "--timeout", "2s");

        assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_ANSWER);
        assertThat(run.err().strip()).isEqualTo("the Kafka broker at " + nowhere + " cannot be reached (no answer "
                + "within 2s); is it running? (scripts/status.sh; ORDERFLOW_KAFKA_BOOTSTRAP sets the address)");
        assertThat(run.took()).isLessThan(Duration.ofSeconds(12));
    }

    @Test
    void showAndCountsHonourTheTimeoutToo() {
        CliRun show = CliRun.of(client, "show", "--order", "o-1", "--timeout", "2s");
        CliRun counts = CliRun.of(client, "counts", "--timeout", "2s");

        assertThat(List.of(show, counts)).allSatisfy(run -> {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.NO_ANSWER);
            assertThat(run.err()).contains("cannot be reached").doesNotContain("\tat ");
            assertThat(run.took()).isLessThan(Duration.ofSeconds(12));
        });
    }

    @Test
    void usageErrorsAreOneLineAndExit2() {
        CliRun missing = CliRun.of(client, "cancel", "--as", "ann:support");
        CliRun twoOrders = CliRun.of(client, "show", "o-1", "--order", "o-2");
        CliRun badRole = CliRun.of(client, "cancel", "o-1", "--as", "ann:boss");
        CliRun system = CliRun.of(client, "ship", "o-1", "--as", "anyone:system");

        assertThat(missing.err()).contains("which order? Name it as the first argument or with --order ORDER_ID");
        assertThat(twoOrders.err()).contains("two orders named: 'o-1' and --order 'o-2'; name one");
        assertThat(badRole.err()).contains("'boss' is not a role");
        assertThat(system.err()).contains("role system is reserved for the order engine");
        assertThat(List.of(missing, twoOrders, badRole, system)).allSatisfy(run -> {
            assertThat(run.exitCode()).isEqualTo(ExitCodes.REFUSED);
            assertThat(run.err()).doesNotContain("\tat ");
        });
    }
}
