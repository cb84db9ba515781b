package io.orderflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.Actor;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * The secured profile ({@code scripts/test.sh --secure}, run once by .ci/run): the broker admits only principals with
 * credentials and lets each write only the topics infra/config/kafka-acls.txt gives it, and the engine, hosted as its
 * own principal, refuses a command that claims the role system from any other writer.
 */
@EnabledIfEnvironmentVariable(named = KafkaConfig.CREDENTIALS, matches = ".+")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecuredBrokerEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Config base = Config.fromEnvironment();
    private final Map<String, CommandResult> results = new ConcurrentHashMap<>();
    private Choreography system;
    private Thread resultTail;
    private volatile boolean tailing = true;

    @BeforeAll
    void start() throws Exception {
        system = Choreography.hosted("", List.of(List.of("engine")));
        startResultTail();
    }

    @AfterAll
    void stop() throws Exception {
        tailing = false;
        if (resultTail != null) {
            resultTail.join(5_000);
        }
        if (system != null) {
            system.close();
        }
    }

    @Test
    void onlyTheCommandWritersMayWriteCommandsAndEachWorkerOnlyItsOwnOutcomes() throws Exception {
        assertThat(failureOf(as("payment-worker"), Topics.ORDER_COMMANDS.name()))
                .isInstanceOf(AuthorizationException.class).hasMessageContaining(Topics.ORDER_COMMANDS.name());
        assertThat(failureOf(as("inventory-worker"), Topics.PAYMENT_EVENTS.name()))
                .isInstanceOf(AuthorizationException.class).hasMessageContaining(Topics.PAYMENT_EVENTS.name());
        assertThat(failureOf(as("cli"), Topics.ORDER_EVENTS.name()))
                .isInstanceOf(AuthorizationException.class).hasMessageContaining(Topics.ORDER_EVENTS.name());
    }

    @Test
    void aClientWithoutValidCredentialsIsRefused() throws Exception {
        Path wrong = Files.createTempFile("kafka-credentials", ".properties");
        Files.writeString(wrong, "cli=not-the-password\n");
        Config impostor = base.with(KafkaConfig.CREDENTIALS, wrong.toString()).with(KafkaConfig.PRINCIPAL, "cli");
        assertThat(failureOf(impostor, Topics.ORDER_COMMANDS.name())).isInstanceOf(AuthenticationException.class);
    }

    @Test
    void theCliMayPlaceOrdersButItsClaimOfTheSystemRoleIsRefusedByTheEngine() throws Exception {
        String placed = system.orderId("by-cli");
        String claimed = system.orderId("claims-system");
        try (KafkaProducer<byte[], byte[]> cli = new KafkaProducer<>(new KafkaConfig(as("cli")).producer("e2e-cli"))) {
            send(cli, place(placed, new Actor("cus-1", Role.CUSTOMER)));
            send(cli, place(claimed, new Actor("anyone", Role.SYSTEM)));
        }

        CommandResult accepted = awaitResult(placed);
        CommandResult refused = awaitResult(claimed);
        assertThat(accepted.getStatus()).isEqualTo(CommandStatus.APPLIED);
        assertThat(refused.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(refused.getRejectionCode()).isEqualTo("FORBIDDEN");
        assertThat(refused.getMessage()).contains("role system is reserved for the order engine; principal cli");
        assertThat(system.events(claimed)).isEmpty();
    }

    private Config as(String principal) {
        return base.with(KafkaConfig.PRINCIPAL, principal);
    }

    /** What sending one record to {@code topic} with {@code config}'s client ends in: the root failure, or null. */
    private static Throwable failureOf(Config config, String topic) {
        Properties props = new KafkaConfig(config).producer("e2e-intruder");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(topic, "o-intruder".getBytes(StandardCharsets.UTF_8), new byte[] {1}))
                    .get(60, TimeUnit.SECONDS);
            return null;
        } catch (Exception e) {
            Throwable cause = e;
            while (cause.getCause() != null && !(cause instanceof AuthorizationException)
                    && !(cause instanceof AuthenticationException)) {
                cause = cause.getCause();
            }
            return cause;
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, OrderCommand command) throws Exception {
        producer.send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(),
                command.getOrderId().getBytes(StandardCharsets.UTF_8),
                Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, command))).get(60, TimeUnit.SECONDS);
    }

    private static OrderCommand place(String orderId, Actor actor) {
        return OrderCommand.newBuilder()
                .setCommandId(UUID.randomUUID().toString()).setOrderId(orderId).setTransition(Transition.PLACE)
                .setActor(actor).setCorrelationId("corr-" + orderId).setIssuedAt(Instant.now())
                .setDetails(new OrderDetails("cus-1", "ann@example.com",
                        List.of(new OrderLine("SKU-1", 1, new Money(1_250L, "EUR"))), "pm_card_ok",
                        "Ann Smith, 1 Main St, 10115 Berlin, DE"))
                .build();
    }

    private CommandResult awaitResult(String orderId) {
        await().atMost(WAIT).until(() -> results.containsKey(orderId));
        return results.get(orderId);
    }

    /** Reads orders.command-results from its end (as the tests' own principal, the super user). */
    private void startResultTail() {
        Properties props = new KafkaConfig(base).consumer("unused", "e2e-results");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.COMMAND_RESULTS.name()).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        resultTail = new Thread(() -> {
            try (consumer) {
                while (tailing) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        CommandResult result = Topics.COMMAND_RESULTS.valueSerde().deserializer()
                                .deserialize(r.topic(), r.value());
                        results.put(result.getOrderId(), result);
                    }
                }
            }
        }, "e2e-result-tail");
        resultTail.start();
    }
}
