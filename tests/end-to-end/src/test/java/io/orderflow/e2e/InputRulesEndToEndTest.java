package io.orderflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.LogCapture;
import io.orderflow.schema.Actor;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10 end to end, with the engine and all three effect workers: careless order ids are refused at place and
 * never reach a worker; a permanent error at the gateway is answered once and logged once, never retried.
 */
class InputRulesEndToEndTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 6);
    private static final String SKU = "SKU-" + RUN + "-RULES";
    private static Choreography system;

    @BeforeAll
    static void start() throws Exception {
        system = Choreography.standalone(SKU + ":100");
    }

    @AfterAll
    static void stop() throws Exception {
        if (system != null) {
            system.close();
        }
    }

    private static OrderCommand place(String orderId) {
        String customer = "cus-" + RUN;
        return OrderCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString()).setOrderId(orderId).setTransition(Transition.PLACE)
                .setActor(new Actor(customer, Role.CUSTOMER)).setCorrelationId("corr-" + RUN)
                .setIssuedAt(Instant.now())
                .setDetails(new OrderDetails(customer, "ann@example.com",
                        List.of(new OrderLine(SKU, 1, new Money(1_250L, "EUR"))), "pm_card_ok",
                        "Ann Smith, 1 Main St, 10115 Berlin, DE"))
                .build();
    }

    @Test
    void nonAsciiAndOverLongOrderIdsAreRefusedAtPlaceAndNeverReachAWorker() throws Exception {
        OrderCommand nonAscii = place("b-ünï-日本-🚀-" + RUN);
        OrderCommand overLong = place(RUN + "x".repeat(10_000));
        Map<String, CommandResult> results = new ConcurrentHashMap<>();

        try (KafkaConsumer<byte[], byte[]> tail = resultsTail()) {
            system.send(nonAscii);
            system.send(overLong);
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : tail.poll(Duration.ofMillis(200))) {
                    CommandResult result = Topics.COMMAND_RESULTS.valueSerde().deserializer()
                            .deserialize(r.topic(), r.value());
                    results.put(result.getCommandId(), result);
                }
                return results.containsKey(nonAscii.getCommandId()) && results.containsKey(overLong.getCommandId());
            });
        }

        assertThat(List.of(results.get(nonAscii.getCommandId()), results.get(overLong.getCommandId())))
                .allSatisfy(result -> {
                    assertThat(result.getStatus()).isEqualTo(CommandStatus.REJECTED);
                    assertThat(result.getRejectionCode()).isEqualTo("INVALID_COMMAND");
                    assertThat(result.getMessage()).contains("order id").hasSizeLessThan(300);
                });
        assertThat(results.get(nonAscii.getCommandId()).getMessage()).contains("may use only ASCII letters");
        assertThat(results.get(overLong.getCommandId()).getMessage()).contains("10006 characters long; the limit is 64");
        Thread.sleep(2_000);
        assertThat(system.events(nonAscii.getOrderId())).as("no order, so no request to any worker").isEmpty();
        assertThat(system.events(overLong.getOrderId())).isEmpty();
    }

    @Test
    void aPermanentGatewayErrorIsAnsweredOnceAndLoggedOnceNeverRetried() throws Exception {
        String id = system.orderId("refused-" + RUN);
        fault("{\"method\":\"POST\",\"pathPrefix\":\"/v1/authorizations\",\"kind\":\"status\",\"status\":422,"
                + "\"times\":1}");
        try (LogCapture log = LogCapture.start()) {
            system.send(place(id));

            await().atMost(Duration.ofSeconds(60)).until(() -> rollbacks(id).size() == 1);
            String captureRequest = captureRequestId(id);
            Thread.sleep(3_000); // a retry loop would have tried, answered or logged again by now

            assertThat(rollbacks(id)).singleElement().satisfies(u -> assertThat(u.getReason())
                    .startsWith("pay failed: payment gateway refused the payment: HTTP 422 ")
                    .hasSizeLessThan(300).doesNotContain("<"));
            assertThat(log.linesWith(captureRequest)).as("what the workers logged about " + captureRequest)
                    .singleElement().satisfies(line -> assertThat(line).contains("FAILED"));
            assertThat(system.ledger(id)).contains("\"captures\":0");
        }
    }

    private static List<TransitionUpdate> rollbacks(String orderId) {
        return system.events(orderId).stream()
                .filter(e -> e.getBody() instanceof TransitionUpdate u && u.getStatus() == UpdateStatus.ROLLED_BACK
                        && u.getTransition() == Transition.PAY)
                .map(e -> (TransitionUpdate) e.getBody()).toList();
    }

    private static void fault(String rule) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(system.sandbox.gatewayUri().toString().replaceAll("/+$", "") + "/sandbox/faults"))
                .POST(HttpRequest.BodyPublishers.ofString(rule)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    /** The id of the order's capture request, read from the payment worker's request topic. */
    private static String captureRequestId(String orderId) {
        Properties props = new KafkaConfig(Config.fromEnvironment()).consumer("unused", "e2e-requests-" + RUN);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        var topic = Topics.requestsFor(Effect.CAPTURE_PAYMENT);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<String, String> found = new ConcurrentHashMap<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    OrderEvent event = topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (event.getOrderId().equals(orderId) && event.getBody() instanceof EffectRequested request
                            && request.getEffect() == Effect.CAPTURE_PAYMENT) {
                        found.putIfAbsent(orderId, request.getRequestId());
                    }
                }
                return found.containsKey(orderId);
            });
            return found.get(orderId);
        }
    }

    /** A reader of every orders.command-results partition, from now on. */
    private static KafkaConsumer<byte[], byte[]> resultsTail() {
        Properties props = new KafkaConfig(Config.fromEnvironment()).consumer("unused", "e2e-results-" + RUN);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMMAND_RESULTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
