package io.orderflow.engine;

import static io.orderflow.engine.Commands.place;
import static io.orderflow.engine.Commands.take;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.Rules;
import io.orderflow.domain.Timeouts;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The in-flight protocol on the real topology: requests out, outcomes in, rollbacks, compensations and deadlines. */
class ChoreographyTopologyTest {
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofDays(3));

    private TopologyTestDriver driver;
    private TestInputTopic<String, OrderCommand> commands;
    private TestInputTopic<String, EffectOutcome> inventory;
    private TestInputTopic<String, EffectOutcome> payment;
    private TestInputTopic<String, EffectOutcome> shipping;
    private TestOutputTopic<String, OrderEvent> events;
    private TestOutputTopic<String, CommandResult> results;
    private TestOutputTopic<String, Long> counts;

    @BeforeEach
    void start() throws Exception {
        var props = new KafkaConfig(Config.of(Map.of(
                "ORDERFLOW_STATE_DIR", Files.createTempDirectory("choreography-test").toString())))
                .streams("choreography-test");
        var machine = new OrderMachine(Rules.choreographed(BusinessHours.ALWAYS, TIMEOUTS));
        driver = new TopologyTestDriver(EngineTopology.build(machine, Duration.ofSeconds(1)), props, NOW);
        commands = driver.createInputTopic(Topics.ORDER_COMMANDS.name(), new StringSerializer(),
                Topics.ORDER_COMMANDS.valueSerde().serializer());
        inventory = outcomeTopic(Topics.INVENTORY_EVENTS.name());
        payment = outcomeTopic(Topics.PAYMENT_EVENTS.name());
        shipping = outcomeTopic(Topics.SHIPPING_EVENTS.name());
        events = driver.createOutputTopic(Topics.ORDER_EVENTS.name(), Topics.ORDER_EVENTS.keySerde().deserializer(),
                Topics.ORDER_EVENTS.valueSerde().deserializer());
        results = driver.createOutputTopic(Topics.COMMAND_RESULTS.name(), Topics.COMMAND_RESULTS.keySerde().deserializer(),
                Topics.COMMAND_RESULTS.valueSerde().deserializer());
        counts = driver.createOutputTopic(Topics.STATE_COUNTS.name(), Topics.STATE_COUNTS.keySerde().deserializer(),
                Topics.STATE_COUNTS.valueSerde().deserializer());
    }

    private TestInputTopic<String, EffectOutcome> outcomeTopic(String name) {
        return driver.createInputTopic(name, new StringSerializer(), Topics.INVENTORY_EVENTS.valueSerde().serializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(OrderCommand command) {
        commands.pipeInput(command.getOrderId(), command);
    }

    private static EffectOutcome outcome(String orderId, String requestId, Effect effect, OutcomeStatus status) {
        return EffectOutcome.newBuilder().setOutcomeId(requestId + "-" + status).setOrderId(orderId)
                .setRequestId(requestId).setEffect(effect).setStatus(status).setOccurredAt(NOW).build();
    }

    private static EffectRequested request(OrderEvent e) {
        return (EffectRequested) e.getBody();
    }

    /** Places an order and answers every request with success up to (and including) the label. */
    private String shippedOrder(String orderId) {
        send(place(orderId));
        inventory.pipeInput(orderId, outcome(orderId, orderId + "-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        EffectOutcome captured = outcome(orderId, orderId + "-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.SUCCEEDED);
        captured.setReference("ch_1");
        payment.pipeInput(orderId, captured);
        EffectOutcome labelled = outcome(orderId, orderId + "-r3", Effect.CREATE_LABEL, OutcomeStatus.SUCCEEDED);
        labelled.setReference("lbl_1");
        labelled.setTrackingNumber("TRK1");
        shipping.pipeInput(orderId, labelled);
        return orderId;
    }

    @Test
    void automaticPathTakesAPlacedOrderToDeliveredThroughTheWorkers() {
        String id = shippedOrder("o-1");
        EffectOutcome delivered = EffectOutcome.newBuilder().setOutcomeId("trk-9").setOrderId(id)
                .setEffect(Effect.TRACK_SHIPMENT).setStatus(OutcomeStatus.UPDATE).setTrackingStatus("DELIVERED")
                .setTrackingNumber("TRK1").setOccurredAt(NOW).build();
        shipping.pipeInput(id, delivered);

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).extracting(OrderEvent::getEventId).containsExactly(
                "o-1-v1", "o-1-r1", "o-1-v2", "o-1-r2", "o-1-v3", "o-1-r3", "o-1-v4", "o-1-f4", "o-1-v5");
        assertThat(emitted).filteredOn(e -> e.getBody() instanceof EffectRequested)
                .extracting(e -> request(e).getEffect()).containsExactly(
                        Effect.RESERVE_STOCK, Effect.CAPTURE_PAYMENT, Effect.CREATE_LABEL, Effect.DEDUCT_STOCK);
        assertThat(emitted).filteredOn(e -> e.getBody() instanceof StateChanged)
                .extracting(e -> ((StateChanged) e.getBody()).getToState()).containsExactly(OrderState.PENDING,
                        OrderState.CONFIRMED, OrderState.PAID, OrderState.SHIPPED, OrderState.DELIVERED);
        OrderEvent last = emitted.get(emitted.size() - 1);
        assertThat(last.getOrder().getPaymentReference()).isEqualTo("ch_1");
        assertThat(last.getOrder().getTrackingNumber()).isEqualTo("TRK1");
        assertThat(last.getActor().getUserId()).isEqualTo("carrier");
        assertThat(counts.readKeyValuesToMap()).containsEntry("DELIVERED", 1L).containsEntry("SHIPPED", 0L);
    }

    @Test
    void aConflictingCommandWhileInFlightIsRefusedWithTheReason() {
        send(place("o-2"));
        send(take("o-2", Transition.CONFIRM, Role.SUPPORT));

        List<CommandResult> answers = results.readValuesToList();
        assertThat(answers.get(1).getStatus()).isEqualTo(CommandStatus.REJECTED);
        assertThat(answers.get(1).getRejectionCode()).isEqualTo("TRANSITION_IN_FLIGHT");
        assertThat(answers.get(1).getMessage()).startsWith("order o-2 is waiting for stock reservation (confirm in flight");
    }

    @Test
    void failedReservationRollsBackWithTheReasonAndKeepsTheState() {
        send(place("o-3"));
        EffectOutcome failed = outcome("o-3", "o-3-r1", Effect.RESERVE_STOCK, OutcomeStatus.FAILED);
        failed.setReason("out of stock: SKU-1 (requested 2, available 0)");
        inventory.pipeInput("o-3", failed);

        OrderEvent rollback = events.readValuesToList().get(2);
        TransitionUpdate update = (TransitionUpdate) rollback.getBody();
        assertThat(update.getStatus()).isEqualTo(UpdateStatus.ROLLED_BACK);
        assertThat(update.getReason()).isEqualTo("confirm failed: out of stock: SKU-1 (requested 2, available 0)");
        assertThat(rollback.getOrder().getState()).isEqualTo(OrderState.PENDING);
        assertThat(rollback.getOrder().getVersion()).isEqualTo(1L);
        assertThat(rollback.getOrder().getPendingTransition()).isNull();
        assertThat(rollback.getOrder().getNote()).contains("out of stock");
    }

    @Test
    void cancelPreemptsAnInFlightReservationAndALateSuccessIsCompensatedNotApplied() {
        send(place("o-4"));
        send(take("o-4", Transition.CANCEL, Role.SUPPORT));
        inventory.pipeInput("o-4", outcome("o-4", "o-4-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted.get(2).getBody()).isInstanceOfSatisfying(StateChanged.class,
                c -> assertThat(c.getToState()).isEqualTo(OrderState.CANCELLED));
        assertThat(emitted.get(3).getBody()).isInstanceOfSatisfying(EffectRequested.class, r -> {
            assertThat(r.getEffect()).isEqualTo(Effect.RELEASE_STOCK);
            assertThat(r.getTargetRequestId()).isEqualTo("o-4-r1");
        });
        OrderEvent afterLateSuccess = emitted.get(emitted.size() - 1);
        assertThat(request(afterLateSuccess).getEffect()).isEqualTo(Effect.RELEASE_STOCK);
        assertThat(request(afterLateSuccess).getTargetRequestId()).isEqualTo("o-4-r1");
        assertThat(request(afterLateSuccess).getCompensation()).isTrue();
        assertThat(afterLateSuccess.getOrder().getState()).isEqualTo(OrderState.CANCELLED);
    }

    @Test
    void inFlightRequestWithNoAnswerRollsBackAtItsDeadlineAndIsCompensated() {
        send(place("o-5"));
        events.readValuesToList();

        driver.advanceWallClockTime(Duration.ofSeconds(31));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).extracting(e -> e.getBody().getClass().getSimpleName())
                .containsExactly("EffectRequested", "TransitionUpdate");
        assertThat(request(emitted.get(0)).getTargetRequestId()).isEqualTo("o-5-r1");
        assertThat(((TransitionUpdate) emitted.get(1).getBody()).getReason())
                .startsWith("confirm timed out: no answer from the inventory worker");
    }

    @Test
    void confirmedOrderUnpaidTooLongIsCancelledAndItsStockReleased() {
        send(place("o-6"));
        inventory.pipeInput("o-6", outcome("o-6", "o-6-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        EffectOutcome declined = outcome("o-6", "o-6-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.FAILED);
        declined.setReason("card declined");
        payment.pipeInput("o-6", declined);
        events.readValuesToList();

        driver.advanceWallClockTime(Duration.ofHours(2).plusSeconds(1));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(((StateChanged) emitted.get(0).getBody()).getToState()).isEqualTo(OrderState.CANCELLED);
        assertThat(((StateChanged) emitted.get(0).getBody()).getReason()).isEqualTo("not paid within PT2H");
        assertThat(request(emitted.get(1)).getEffect()).isEqualTo(Effect.RELEASE_STOCK);
    }

    @Test
    void heldRequestWaitsBeyondTheNormalTimeoutWithTheReasonVisible() {
        send(place("o-7"));
        EffectOutcome held = outcome("o-7", "o-7-r1", Effect.RESERVE_STOCK, OutcomeStatus.HELD);
        held.setReason("inventory database unavailable");
        inventory.pipeInput("o-7", held);
        driver.advanceWallClockTime(Duration.ofSeconds(31));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).hasSize(3);
        assertThat(((TransitionUpdate) emitted.get(2).getBody()).getStatus()).isEqualTo(UpdateStatus.HELD);
        assertThat(emitted.get(2).getOrder().getNote()).isEqualTo("held: inventory database unavailable");
        assertThat(emitted.get(2).getOrder().getPendingTransition()).isEqualTo(Transition.CONFIRM);
    }

    @Test
    void aRepeatedOutcomeOfACompletedRequestChangesNothing() {
        send(place("o-8"));
        EffectOutcome reserved = outcome("o-8", "o-8-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED);
        inventory.pipeInput("o-8", reserved);
        events.readValuesToList();

        inventory.pipeInput("o-8", reserved);

        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void shippedOrderWithNoDeliveryIsFlaggedOnce() {
        shippedOrder("o-9");
        events.readValuesToList();

        driver.advanceWallClockTime(Duration.ofDays(3).plusSeconds(1));
        driver.advanceWallClockTime(Duration.ofDays(3).plusSeconds(1));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(((TransitionUpdate) emitted.get(0).getBody()).getStatus()).isEqualTo(UpdateStatus.FLAGGED);
        assertThat(emitted.get(0).getOrder().getState()).isEqualTo(OrderState.SHIPPED);
    }
}
