package io.orderflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.app.OpsEndpoint;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.DeadLetterSizes;
import io.orderflow.common.testing.LogCapture;
import io.orderflow.schema.Actor;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What an operator sees while orders flow through all services in one host: the named Prometheus series move, and
 * one order's path can be followed through the logs by its id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperationsEndToEndTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String SKU = "SKU-" + RUN + "-OPS";
    private final HttpClient http = HttpClient.newHttpClient();
    private LogCapture logs;
    private OpsEndpoint ops;
    private DeadLetterSizes deadLetters;
    private Choreography system;

    @BeforeAll
    void start() throws Exception {
        logs = LogCapture.start();
        // Before the services, as a host starts it, so every meter they register reaches its registry.
        ops = OpsEndpoint.start("127.0.0.1", 0, Map::of);
        deadLetters = DeadLetterSizes.start(Config.fromEnvironment(), Metrics.globalRegistry);
        system = Choreography.hosted(SKU + ":100", List.of(List.of()));
    }

    @AfterAll
    void stop() throws Exception {
        if (system != null) {
            system.close();
        }
        deadLetters.close();
        ops.close();
        logs.close();
    }

    @Test
    void theNamedSeriesMoveWhenOrdersFlow() throws Exception {
        String before = scrape();
        String happy = system.orderId("ops-happy");
        String shortOfStock = system.orderId("ops-short");

        system.send(place(happy, 2));
        system.send(place(shortOfStock, 500));
        system.send(command(system.orderId("ops-unknown"), Transition.CONFIRM, new Actor("sue", Role.SUPPORT)));
        await().atMost(Duration.ofSeconds(90)).until(() -> stateOf(happy) == OrderState.DELIVERED);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String after = scrape();
            assertThat(increase(before, after, "orderflow_transitions_total", "transition=\"place\"",
                    "outcome=\"applied\"")).isGreaterThanOrEqualTo(2);
            assertThat(increase(before, after, "orderflow_transitions_total", "transition=\"deliver\"",
                    "outcome=\"applied\"")).isGreaterThanOrEqualTo(1);
            assertThat(increase(before, after, "orderflow_transitions_total", "transition=\"confirm\"",
                    "outcome=\"refused\"", "reason=\"UNKNOWN_ORDER\"")).isGreaterThanOrEqualTo(1);
            assertThat(increase(before, after, "orderflow_transitions_total", "transition=\"confirm\"",
                    "outcome=\"rolled_back\"")).isGreaterThanOrEqualTo(1);
            assertThat(increase(before, after, "orderflow_command_latency_seconds_count")).isGreaterThanOrEqualTo(3);
            assertThat(value(after, "orderflow_orders", "state=\"delivered\""))
                    .as("orderflow_orders").isGreaterThanOrEqualTo(1);
            assertThat(increase(before, after, "orderflow_outbox_published_total", "schema=\"inventory\""))
                    .isGreaterThanOrEqualTo(2);
            assertThat(value(after, "orderflow_outbox_backlog", "schema=\"payment\""))
                    .as("orderflow_outbox_backlog").isNotNaN();
            assertThat(value(after, "orderflow_consumer_lag", "group=\"inventory-worker-e2e-"))
                    .as("orderflow_consumer_lag").isNotNaN();
            assertThat(value(after, "orderflow_mail_queue", "status=\""))
                    .as("orderflow_mail_queue").isGreaterThanOrEqualTo(5);
            assertThat(value(after, "orderflow_dlt_records", "topic=\"orders.commands.dlt\""))
                    .as("orderflow_dlt_records").isNotNaN();
            assertThat(value(after, "resilience4j_circuitbreaker_state", "name=\"payment-gateway\"",
                    "state=\"closed\"")).as("resilience4j_circuitbreaker_state").isEqualTo(1);
            assertThat(value(after, "orderflow_finance_refunds_unposted"))
                    .as("orderflow_finance_refunds_unposted").isNotNaN();
        });
    }

    @Test
    void oneOrdersPathIsFollowedThroughTheServicesLogsByItsId() throws Exception {
        String id = system.orderId("ops-traced");
        system.send(place(id, 1));
        await().atMost(Duration.ofSeconds(90)).until(() -> stateOf(id) == OrderState.DELIVERED);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> path = logs.linesWith(id);
            int capture = indexOf(path, "payment.PaymentScheduler");
            int label = indexOf(path, "shipping.LabelService");
            int mail = indexOf(path, "notification.send.MailSender");
            assertThat(capture).as("payment capture in %s", path).isNotNegative();
            assertThat(label).as("label in %s", path).isGreaterThan(capture);
            assertThat(mail).as("a mail in %s", path).isNotNegative();
        });
    }

    private static int indexOf(List<String> lines, String logger) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(logger)) {
                return i;
            }
        }
        return -1;
    }

    private OrderState stateOf(String orderId) {
        OrderEvent last = system.last(orderId);
        return last == null ? null : last.getOrder().getState();
    }

    private String scrape() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of the series {@code name} whose labels contain every one of {@code labels}; NaN if none. */
    private static double value(String scrape, String name, String... labels) {
        double sum = Double.NaN;
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String series = line.substring(0, line.lastIndexOf(' '));
                if (Arrays.stream(labels).allMatch(series::contains)) {
                    double v = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                    sum = Double.isNaN(sum) ? v : sum + v;
                }
            }
        }
        return sum;
    }

    private static double increase(String before, String after, String name, String... labels) {
        double was = value(before, name, labels);
        return value(after, name, labels) - (Double.isNaN(was) ? 0 : was);
    }

    private static OrderCommand place(String orderId, int quantity) {
        String customer = "cus-" + RUN;
        return OrderCommand.newBuilder(command(orderId, Transition.PLACE, new Actor(customer, Role.CUSTOMER)))
                .setDetails(new OrderDetails(customer, "ann@example.com",
                        List.of(new OrderLine(SKU, quantity, new Money(1_250L, "EUR"))), "pm_card_ok",
                        "Ann Smith, 1 Main St, 10115 Berlin, DE"))
                .build();
    }

    private static OrderCommand command(String orderId, Transition transition, Actor actor) {
        return OrderCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString()).setOrderId(orderId).setTransition(transition)
                .setActor(actor).setCorrelationId("corr-" + orderId).setIssuedAt(Instant.now())
                .build();
    }
}
