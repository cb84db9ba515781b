package io.orderflow.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.engine.EngineTopology;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The CLI's exit codes against the real broker and the engine (direct mode): 0 done, 1 not found, 2 refused. */
class OrderflowCliIntegrationTest {
    private static final Config CONFIG = Config.fromEnvironment();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static StreamsRunner engine;
    private static OrderClient client;

    @BeforeAll
    static void start() throws Exception {
        Properties props = new KafkaConfig(CONFIG.with("ORDERFLOW_STATE_DIR",
                Files.createTempDirectory("cli-it").toString())).streams("cli-it-" + RUN);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "latest");
        engine = StreamsRunner.start(EngineTopology.build(new OrderMachine(BusinessHours.ALWAYS)), props,
                Duration.ofSeconds(60));
        client = new OrderClient(CONFIG);
    }

    @AfterAll
    static void stop() {
        if (client != null) client.close();
        if (engine != null) engine.close();
    }

    private static CliRun place(String orderId) {
        return CliRun.of(client, "place", "--order", orderId, "--customer", "c-7", "--email", "ann@example.com",
                "--line", "SKU-1:2:12.50", "--address", "Ann Smith, 1 Main St, 10115 Berlin, DE", "--as",
                "c-7:customer", "--timeout", "30s");
    }

    @Test
    void placeThenShowByEitherNamingExitZero() {
        String id = "cli-" + RUN + "-1";

        CliRun placed = place(id);

        assertThat(placed.exitCode()).as(placed.err()).isEqualTo(ExitCodes.OK);
        assertThat(placed.out()).isEqualTo("APPLIED: order " + id + " placed (pending, version 1)\n");
        for (String[] show : new String[][] {{"show", id}, {"show", "--order", id}}) {
            CliRun shown = CliRun.of(client, show);
            assertThat(shown.exitCode()).isEqualTo(ExitCodes.OK);
            assertThat(shown.out()).startsWith("order " + id + ": pending (version 1)");
        }
    }

    @Test
    void aRepeatedCommandIdAnswersAsTheFirstTimeExitCodeIncluded() {
        String id = "cli-" + RUN + "-2";
        assertThat(place(id).exitCode()).isEqualTo(ExitCodes.OK);
        String[] ship = {"ship", id, "--as", "wes:warehouse", "--command-id", "ship-" + RUN, "--timeout", "30s"};
        String[] confirm = {"confirm", "--order", id, "--as", "sue:support", "--command-id", "confirm-" + RUN,
                "--timeout", "30s"};

        CliRun refused = CliRun.of(client, ship);
        CliRun refusedAgain = CliRun.of(client, ship);
        CliRun confirmed = CliRun.of(client, confirm);
        CliRun confirmedAgain = CliRun.of(client, confirm);

        assertThat(refused.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.err()).isEqualTo("REJECTED: order " + id + " is pending; ship needs it to be paid"
                + " [INVALID_TRANSITION]\n");
        assertThat(refusedAgain.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refusedAgain.err()).isEqualTo("DUPLICATE: command ship-" + RUN + " was already handled: order "
                + id + " is pending; ship needs it to be paid [INVALID_TRANSITION]\n");
        assertThat(confirmed.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(confirmedAgain.exitCode()).isEqualTo(ExitCodes.OK);
        assertThat(confirmedAgain.out()).startsWith("DUPLICATE: command confirm-" + RUN + " was already handled");
    }

    @Test
    void refusalsByTheEngineExitTwoAndAnUnknownOrderShowsExitOne() {
        String id = "cli-" + RUN + "-none";

        CliRun cancel = CliRun.of(client, "cancel", id, "--as", "sue:support", "--timeout", "30s");
        CliRun show = CliRun.of(client, "show", id);

        assertThat(cancel.exitCode()).isEqualTo(ExitCodes.REFUSED);
        assertThat(cancel.err()).contains("[UNKNOWN_ORDER]");
        assertThat(show.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }
}
