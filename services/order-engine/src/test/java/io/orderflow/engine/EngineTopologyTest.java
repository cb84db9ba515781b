package io.orderflow.engine;

import static io.orderflow.engine.Commands.place;
import static io.orderflow.engine.Commands.take;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Principals;
import io.orderflow.common.kafka.Topics;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderRecord;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Drives the real topology factory with TopologyTestDriver. */
class EngineTopologyTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z"); // a Wednesday

    private TopologyTestDriver driver;
    private TestInputTopic<String, OrderCommand> commands;
    private TestInputTopic<String, byte[]> rawCommands;
    private TestOutputTopic<String, OrderEvent> events;
    private TestOutputTopic<String, CommandResult> results;
    private TestOutputTopic<String, Long> counts;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() throws Exception {
        BusinessHours hours = BusinessHours.parse("MON-FRI 09:00-17:00", ZoneId.of("UTC"), Set.of());
        Properties props = new KafkaConfig(Config.of(Map.of(
                "ORDERFLOW_STATE_DIR", Files.createTempDirectory("engine-test").toString())))
                .streams("engine-test");
        driver = new TopologyTestDriver(EngineTopology.build(new OrderMachine(hours)), props, NOW);
        commands = driver.createInputTopic(Topics.ORDER_COMMANDS.name(), new StringSerializer(),
                Topics.ORDER_COMMANDS.valueSerde().serializer());
        rawCommands = driver.createInputTopic(Topics.ORDER_COMMANDS.name(), new StringSerializer(), new ByteArraySerializer());
        events = driver.createOutputTopic(Topics.ORDER_EVENTS.name(), Topics.ORDER_EVENTS.keySerde().deserializer(),
                Topics.ORDER_EVENTS.valueSerde().deserializer());
        results = driver.createOutputTopic(Topics.COMMAND_RESULTS.name(), Topics.COMMAND_RESULTS.keySerde().deserializer(),
                Topics.COMMAND_RESULTS.valueSerde().deserializer());
        counts = driver.createOutputTopic(Topics.STATE_COUNTS.name(), Topics.STATE_COUNTS.keySerde().deserializer(),
                Topics.STATE_COUNTS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.ORDER_COMMANDS.deadLetterTopic(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer(),
                org.apache.kafka.common.serialization.Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(OrderCommand command) {
        commands.pipeInput(command.getOrderId(), command);
    }

    @Test
    void orderGoesFromPendingToDeliveredWithOneEventPerTransition() {
        send(place("o-1"));
        send(take("o-1", Transition.CONFIRM, Role.SUPPORT));
        send(take("o-1", Transition.PAY, Role.FINANCE));
        send(take("o-1", Transition.SHIP, Role.WAREHOUSE));
        send(take("o-1", Transition.DELIVER, Role.WAREHOUSE));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).extracting(OrderEvent::getVersion).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(emitted).extracting(e -> ((StateChanged) e.getBody()).getToState())
                .containsExactly(OrderState.PENDING, OrderState.CONFIRMED, OrderState.PAID, OrderState.SHIPPED,
                        OrderState.DELIVERED);
        assertThat(emitted).extracting(OrderEvent::getEventId).doesNotHaveDuplicates();
        assertThat(emitted.get(0).getOrder().getTotal().getAmountMinor()).isEqualTo(2 * 1_250L + 499L);
        assertThat(results.readValuesToList()).extracting(CommandResult::getStatus)
                .containsOnly(CommandStatus.APPLIED).hasSize(5);
        driver.advanceWallClockTime(Duration.ofSeconds(1)); // state counts are sent by the punctuator
        assertThat(counts.readKeyValuesToMap()).containsEntry("DELIVERED", 1L)
                .containsEntry("PENDING", 0L).containsEntry("CONFIRMED", 0L).containsEntry("PAID", 0L)
                .containsEntry("SHIPPED", 0L);
    }

    @Test
    void commandClaimingSystemIsRefusedUnlessTheEnginesPrincipalWroteIt() {
        send(place("o-sys"));
        results.readValuesToList();
        events.readValuesToList();

        OrderCommand fromCli = take("o-sys", Transition.CONFIRM, Role.SYSTEM);
        commands.pipeInput(new TestRecord<>("o-sys", fromCli, Principals.headers("cli")));
        OrderCommand unnamed = take("o-sys", Transition.CONFIRM, Role.SYSTEM);
        send(unnamed);

        assertThat(results.readValuesToList()).extracting(CommandResult::getStatus, CommandResult::getRejectionCode,
                CommandResult::getMessage).containsExactly(
                tuple(CommandStatus.REJECTED, "FORBIDDEN",
                        "role system is reserved for the order engine; principal cli may not claim it for confirm of order o-sys"),
                tuple(CommandStatus.REJECTED, "FORBIDDEN",
                        "role system is reserved for the order engine; principal (none) may not claim it for confirm of order o-sys"));
        assertThat(events.isEmpty()).isTrue();

        commands.pipeInput(new TestRecord<>("o-sys", take("o-sys", Transition.CONFIRM, Role.SYSTEM),
                Principals.headers(Principals.ENGINE)));
        assertThat(results.readValue().getStatus()).isEqualTo(CommandStatus.APPLIED);
    }

    @Test
    void whatTheEngineEmitsNamesThePrincipalThatWroteTheCommand() {
        commands.pipeInput(new TestRecord<>("o-p", place("o-p"), Principals.headers("admin-web")));

        TestRecord<String, OrderEvent> event = events.readRecord();
        assertThat(Principals.of(event.headers())).isEqualTo("admin-web");
        assertThat(Principals.of(results.readRecord().headers())).isEqualTo("admin-web");
    }

    @Test
    void refusedCommandGetsItsReasonAndEmitsNoEvent() {
        send(place("o-2"));
        events.readValuesToList();
        results.readValuesToList();

        send(take("o-2", Transition.SHIP, Role.WAREHOUSE));

        assertThat(events.isEmpty()).isTrue();
        CommandResult result = results.readValue();
        assertThat(result.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(result.getRejectionCode()).isEqualTo("INVALID_TRANSITION");
        assertThat(result.getMessage()).isEqualTo("order o-2 is pending; ship needs it to be paid");
        assertThat(result.getState()).isEqualTo(OrderState.PENDING);
        assertThat(result.getVersion()).isEqualTo(1L);
    }

    @Test
    void personShippingOutsideBusinessHoursIsRefusedWithNextOpening() {
        driver.close();
        driver = new TopologyTestDriver(EngineTopology.build(
                new OrderMachine(BusinessHours.parse("MON-FRI 09:00-17:00", ZoneId.of("UTC"), Set.of()))),
                new KafkaConfig(Config.of(Map.of())).streams("engine-test-hours"),
                Instant.parse("2026-11-28T12:00:00Z")); // a Saturday
        commands = driver.createInputTopic(Topics.ORDER_COMMANDS.name(), new StringSerializer(),
                Topics.ORDER_COMMANDS.valueSerde().serializer());
        results = driver.createOutputTopic(Topics.COMMAND_RESULTS.name(), Topics.COMMAND_RESULTS.keySerde().deserializer(),
                Topics.COMMAND_RESULTS.valueSerde().deserializer());
        send(place("o-9"));
        send(take("o-9", Transition.CONFIRM, Role.SUPPORT));
        send(take("o-9", Transition.PAY, Role.FINANCE));
        send(take("o-9", Transition.SHIP, Role.WAREHOUSE));

        CommandResult last = results.readValuesToList().get(3);
        assertThat(last.getRejectionCode()).isEqualTo("OUTSIDE_BUSINESS_HOURS");
        assertThat(last.getMessage()).contains("next opening Mon 2026-11-30 09:00 UTC");
    }

    @Test
    void repeatedCommandIdChangesNothingAndRepeatsTheAnswer() {
        send(place("o-3"));
        OrderCommand confirm = take("o-3", Transition.CONFIRM, Role.SUPPORT);
        send(confirm);
        send(confirm);

        assertThat(events.readValuesToList()).hasSize(2);
        List<CommandResult> answers = results.readValuesToList();
        assertThat(answers).extracting(CommandResult::getStatus)
                .containsExactly(CommandStatus.APPLIED, CommandStatus.APPLIED, CommandStatus.DUPLICATE);
        assertThat(answers.get(2).getVersion()).isEqualTo(2L);
        KeyValueStore<String, OrderRecord> store = driver.getKeyValueStore(EngineTopology.ORDERS_STORE);
        assertThat(store.get("o-3").getOrder().getVersion()).isEqualTo(2L);
    }

    @Test
    void undecodableCommandIsSkippedAndTheNextOneIsProcessed() {
        // TopologyTestDriver does not deliver the handler's dead-letter records; OrderEngineIT checks them on a broker.
        rawCommands.pipeInput("o-4", "not avro".getBytes());
        send(place("o-4"));

        assertThat(results.readValuesToList()).extracting(CommandResult::getStatus).containsExactly(CommandStatus.APPLIED);
    }

    @Test
    void commandPublishedUnderAnotherKeyIsDeadLettered() {
        commands.pipeInput("o-5", place("o-6"));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR)).contains("the key must be the order id");
        assertThat(results.isEmpty()).isTrue();
    }

    @Test
    void commandForAnOrderThatDoesNotExistIsRefused() {
        send(take("o-7", Transition.CANCEL, Role.SUPPORT));

        CommandResult result = results.readValue();
        assertThat(result.getRejectionCode()).isEqualTo("UNKNOWN_ORDER");
        assertThat(result.getState()).isNull();
        KeyValueStore<String, OrderRecord> store = driver.getKeyValueStore(EngineTopology.ORDERS_STORE);
        assertThat(store.get("o-7")).isNull();
    }

    /** One row per careless place of issue 10: each gets exactly one result, REJECTED with the reason, and no order. */
    static Stream<Arguments> invalidPlaces() {
        return Stream.of(
                Arguments.of("non-ASCII order id", place("b-ünï-日本-🚀"), "order id 'b-ünï-日本-🚀' may use only"),
                Arguments.of("10,000-character order id", place("x".repeat(10_000)),
                        "order id is 10000 characters long; the limit is 64"),
                Arguments.of("currency XX", withLine(place("o-20"), new OrderLine("SKU-1", 1, new Money(100L, "XX"))),
                        "currency 'XX' is not an ISO 4217 code"),
                Arguments.of("no shipping address", withAddress(place("o-21"), null), "shipping address is missing"),
                Arguments.of("incomplete shipping address", withAddress(place("o-22"), "1 Main St"),
                        "shipping address '1 Main St' lacks the street"),
                Arguments.of("price 0", withLine(place("o-23"), new OrderLine("SKU-1", 1, new Money(0L, "EUR"))),
                        "total is 0.00 EUR; an order must cost something"),
                Arguments.of("quantity 2147483647",
                        withLine(place("o-24"), new OrderLine("SKU-1", Integer.MAX_VALUE, new Money(100L, "EUR"))),
                        "quantity must be from 1 to 10000, got 2147483647"));
    }

    private static OrderCommand withLine(OrderCommand place, OrderLine line) {
        place.getDetails().setLines(List.of(line));
        return place;
    }

    private static OrderCommand withAddress(OrderCommand place, String address) {
        place.getDetails().setShippingAddress(address);
        return place;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPlaces")
    void invalidPlaceIsRejectedWithTheReasonInsteadOfDeadLettered(String row, OrderCommand place, String reason) {
        send(place);

        CommandResult result = results.readValue();
        assertThat(result.getCommandId()).isEqualTo(place.getCommandId());
        assertThat(result.getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(result.getRejectionCode()).isEqualTo("INVALID_COMMAND");
        assertThat(result.getMessage()).contains(reason).hasSizeLessThan(400);
        assertThat(results.isEmpty()).as("exactly one result").isTrue();
        assertThat(events.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        KeyValueStore<String, OrderRecord> store = driver.getKeyValueStore(EngineTopology.ORDERS_STORE);
        assertThat(store.get(place.getOrderId())).isNull();
    }

    @Test
    void repeatedInvalidCommandIsRefusedAgainTheSameWay() {
        OrderCommand invalid = withAddress(place("o-25"), "");
        send(invalid);
        send(invalid);

        assertThat(results.readValuesToList()).extracting(CommandResult::getStatus, CommandResult::getRejectionCode)
                .containsExactly(tuple(CommandStatus.REJECTED, "INVALID_COMMAND"),
                        tuple(CommandStatus.REJECTED, "INVALID_COMMAND"));
    }

    @Test
    void tombstoneIsDeadLetteredWithItsReasonAndTheNextCommandIsProcessed() {
        rawCommands.pipeInput("o-26", (byte[]) null);
        send(place("o-26"));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(DeadLetters.header(dead.headers(), DeadLetters.ERROR))
                .isEqualTo("empty record (tombstone) on orders.commands");
        assertThat(results.readValuesToList()).extracting(CommandResult::getStatus).containsExactly(CommandStatus.APPLIED);
    }
}
