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
import io.orderflow.domain.StallPolicy;
import io.orderflow.domain.Timeouts;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderRecord;
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
import org.apache.kafka.streams.test.TestRecord;
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
    private TestOutputTopic<String, OrderEvent> inventoryRequests;
    private TestOutputTopic<String, OrderEvent> paymentRequests;
    private TestOutputTopic<String, OrderEvent> shippingRequests;
    private TestOutputTopic<String, CommandResult> results;
    private TestOutputTopic<String, Long> counts;

    @BeforeEach
    void start() throws Exception {
        start(EngineSettings.DEFAULTS);
    }

    private void start(EngineSettings settings) throws Exception {
        if (driver != null) {
            driver.close();
        }
        var props = new KafkaConfig(Config.of(Map.of(
                "ORDERFLOW_STATE_DIR", Files.createTempDirectory("choreography-test").toString())))
                .streams("choreography-test");
        var machine = new OrderMachine(Rules.choreographed(BusinessHours.ALWAYS, TIMEOUTS));
        driver = new TopologyTestDriver(EngineTopology.build(machine, settings), props, NOW);
        commands = driver.createInputTopic(Topics.ORDER_COMMANDS.name(), new StringSerializer(),
                Topics.ORDER_COMMANDS.valueSerde().serializer());
        inventory = outcomeTopic(Topics.INVENTORY_EVENTS.name());
        payment = outcomeTopic(Topics.PAYMENT_EVENTS.name());
        shipping = outcomeTopic(Topics.SHIPPING_EVENTS.name());
        events = outputTopic(Topics.ORDER_EVENTS.name());
        inventoryRequests = outputTopic(Topics.INVENTORY_REQUESTS.name());
        paymentRequests = outputTopic(Topics.PAYMENT_REQUESTS.name());
        shippingRequests = outputTopic(Topics.SHIPPING_REQUESTS.name());
        results = driver.createOutputTopic(Topics.COMMAND_RESULTS.name(), Topics.COMMAND_RESULTS.keySerde().deserializer(),
                Topics.COMMAND_RESULTS.valueSerde().deserializer());
        counts = driver.createOutputTopic(Topics.STATE_COUNTS.name(), Topics.STATE_COUNTS.keySerde().deserializer(),
                Topics.STATE_COUNTS.valueSerde().deserializer());
    }

    private TestOutputTopic<String, OrderEvent> outputTopic(String name) {
        return driver.createOutputTopic(name, Topics.ORDER_EVENTS.keySerde().deserializer(),
                Topics.ORDER_EVENTS.valueSerde().deserializer());
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
                "o-1-v1", "o-1-v2", "o-1-v3", "o-1-v4", "o-1-v5");
        assertThat(emitted).extracting(e -> ((StateChanged) e.getBody()).getToState()).containsExactly(
                OrderState.PENDING, OrderState.CONFIRMED, OrderState.PAID, OrderState.SHIPPED, OrderState.DELIVERED);
        assertThat(inventoryRequests.readValuesToList()).extracting(e -> request(e).getEffect())
                .containsExactly(Effect.RESERVE_STOCK, Effect.DEDUCT_STOCK);
        assertThat(paymentRequests.readValuesToList()).extracting(OrderEvent::getEventId).containsExactly("o-1-r2");
        assertThat(shippingRequests.readValuesToList()).extracting(OrderEvent::getEventId).containsExactly("o-1-r3");
        OrderEvent last = emitted.get(emitted.size() - 1);
        assertThat(last.getOrder().getPaymentReference()).isEqualTo("ch_1");
        assertThat(last.getOrder().getTrackingNumber()).isEqualTo("TRK1");
        assertThat(last.getActor().getUserId()).isEqualTo("carrier");
        driver.advanceWallClockTime(Duration.ofSeconds(1)); // state counts are sent by the punctuator
        assertThat(counts.readKeyValuesToMap()).containsEntry("DELIVERED", 1L).containsEntry("SHIPPED", 0L);
    }

    @Test
    void eachRequestLandsOnItsWorkersTopicInTheOutputOfItsStateChange() {
        send(place("o-10"));
        assertOneStep("o-10-v1", OrderState.PENDING, inventoryRequests, "o-10-r1", Effect.RESERVE_STOCK);

        inventory.pipeInput("o-10", outcome("o-10", "o-10-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        assertOneStep("o-10-v2", OrderState.CONFIRMED, paymentRequests, "o-10-r2", Effect.CAPTURE_PAYMENT);

        EffectOutcome captured = outcome("o-10", "o-10-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.SUCCEEDED);
        captured.setReference("ch_10");
        payment.pipeInput("o-10", captured);
        assertOneStep("o-10-v3", OrderState.PAID, shippingRequests, "o-10-r3", Effect.CREATE_LABEL);
    }

    /**
     * After one input record, the state change is on orders.events and the one request it leads to is on its worker's
     * topic, carrying the same order version; no other worker's topic got anything.
     */
    private void assertOneStep(String eventId, OrderState state, TestOutputTopic<String, OrderEvent> workerTopic,
                               String requestId, Effect effect) {
        List<OrderEvent> changes = events.readValuesToList();
        assertThat(changes).extracting(OrderEvent::getEventId).containsExactly(eventId);
        assertThat(((StateChanged) changes.get(0).getBody()).getToState()).isEqualTo(state);
        List<TestRecord<String, OrderEvent>> requests = workerTopic.readRecordsToList();
        assertThat(requests).hasSize(1);
        OrderEvent requested = requests.get(0).value();
        assertThat(requests.get(0).key()).isEqualTo(changes.get(0).getOrderId());
        assertThat(requested.getEventId()).isEqualTo(requestId);
        assertThat(request(requested).getEffect()).isEqualTo(effect);
        assertThat(requested.getOrder().getVersion()).isEqualTo(changes.get(0).getVersion());
        assertThat(List.of(inventoryRequests, paymentRequests, shippingRequests)).allMatch(TestOutputTopic::isEmpty);
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

        OrderEvent rollback = events.readValuesToList().get(1);
        TransitionUpdate update = (TransitionUpdate) rollback.getBody();
        assertThat(update.getStatus()).isEqualTo(UpdateStatus.ROLLED_BACK);
        assertThat(update.getReason()).isEqualTo("confirm failed: out of stock: SKU-1 (requested 2, available 0)");
        assertThat(rollback.getOrder().getState()).isEqualTo(OrderState.PENDING);
        assertThat(rollback.getOrder().getVersion()).isEqualTo(1L);
        assertThat(rollback.getOrder().getPendingTransition()).isNull();
        assertThat(rollback.getOrder().getNote()).contains("out of stock");
    }

    @Test
    void aFailedReservationIsTriedAgainByTheStallPolicyAndTheOrderGoesOnWhenStockArrives() {
        send(place("o-30"));
        EffectOutcome failed = outcome("o-30", "o-30-r1", Effect.RESERVE_STOCK, OutcomeStatus.FAILED);
        failed.setReason("out of stock: SKU-1");
        inventory.pipeInput("o-30", failed);
        inventoryRequests.readValuesToList();

        driver.advanceWallClockTime(StallPolicy.DEFAULTS.reserveEvery().minusSeconds(5));
        assertThat(inventoryRequests.readValuesToList()).as("not before the retry interval").isEmpty();
        driver.advanceWallClockTime(Duration.ofSeconds(10));

        List<OrderEvent> retried = inventoryRequests.readValuesToList();
        assertThat(retried).singleElement().satisfies(e -> {
            assertThat(request(e).getEffect()).isEqualTo(Effect.RESERVE_STOCK);
            assertThat(request(e).getRequestId()).isEqualTo("o-30-r2");
        });
        inventory.pipeInput("o-30", outcome("o-30", "o-30-r2", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        assertThat(events.readValuesToList()).filteredOn(e -> e.getBody() instanceof StateChanged)
                .extracting(e -> e.getOrder().getState()).containsExactly(OrderState.PENDING, OrderState.CONFIRMED);
    }

    @Test
    void cancelPreemptsAnInFlightReservationAndALateSuccessIsCompensatedNotApplied() {
        send(place("o-4"));
        send(take("o-4", Transition.CANCEL, Role.SUPPORT));
        inventory.pipeInput("o-4", outcome("o-4", "o-4-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).hasSize(2);
        assertThat(emitted.get(1).getBody()).isInstanceOfSatisfying(StateChanged.class,
                c -> assertThat(c.getToState()).isEqualTo(OrderState.CANCELLED));
        List<OrderEvent> requests = inventoryRequests.readValuesToList();
        assertThat(requests).extracting(e -> request(e).getEffect())
                .containsExactly(Effect.RESERVE_STOCK, Effect.RELEASE_STOCK, Effect.RELEASE_STOCK, Effect.RELEASE_STOCK);
        assertThat(request(requests.get(1)).getTargetRequestId()).isEqualTo("o-4-r1");
        OrderEvent afterLateSuccess = requests.get(3);
        assertThat(request(afterLateSuccess).getEffect()).isEqualTo(Effect.RELEASE_STOCK);
        assertThat(request(afterLateSuccess).getTargetRequestId()).isEqualTo("o-4-r1");
        assertThat(request(afterLateSuccess).getCompensation()).isTrue();
        assertThat(afterLateSuccess.getOrder().getState()).isEqualTo(OrderState.CANCELLED);
    }

    @Test
    void inFlightRequestWithNoAnswerRollsBackAtItsDeadlineAndIsCompensated() {
        send(place("o-5"));
        events.readValuesToList();
        inventoryRequests.readValuesToList();

        driver.advanceWallClockTime(Duration.ofSeconds(31));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).extracting(e -> e.getBody().getClass().getSimpleName()).containsExactly("TransitionUpdate");
        assertThat(((TransitionUpdate) emitted.get(0).getBody()).getReason())
                .startsWith("confirm timed out: no answer from the inventory worker");
        assertThat(inventoryRequests.readValuesToList()).singleElement()
                .satisfies(e -> assertThat(request(e).getTargetRequestId()).isEqualTo("o-5-r1"));
    }

    @Test
    void confirmedOrderUnpaidTooLongIsCancelledAndItsStockReleased() {
        confirmedWithItsPaymentDeclined("o-6");

        driver.advanceWallClockTime(Duration.ofHours(2).plusSeconds(1));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(((StateChanged) emitted.get(0).getBody()).getToState()).isEqualTo(OrderState.CANCELLED);
        assertThat(((StateChanged) emitted.get(0).getBody()).getReason()).isEqualTo("not paid within PT2H");
        assertThat(inventoryRequests.readValuesToList()).last()
                .satisfies(e -> assertThat(request(e).getEffect()).isEqualTo(Effect.RELEASE_STOCK));
    }

    @Test
    void aTaskAtRestScansRarelyYetMeetsItsNextDeadlineWithinAScanInterval() {
        confirmedWithItsPaymentDeclined("o-6b");

        // At rest the task wakes at most a minute apart, and at its deadline: one second short, nothing yet.
        for (int step = 0; step < 1028; step++) {
            driver.advanceWallClockTime(Duration.ofSeconds(7));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(3));  // 7,199 s after the order was confirmed
        assertThat(events.readValuesToList()).noneMatch(e -> e.getBody() instanceof StateChanged);

        driver.advanceWallClockTime(Duration.ofSeconds(2));
        assertThat(events.readValuesToList()).filteredOn(e -> e.getBody() instanceof StateChanged).singleElement()
                .satisfies(e -> assertThat(((StateChanged) e.getBody()).getToState()).isEqualTo(OrderState.CANCELLED));
    }

    @Test
    void moreDeadlinesDueAtRestThanOneScanTakesAreAllActedOnWithinTheNextScanInterval() throws Exception {
        start(EngineSettings.DEFAULTS.withDeadlinesPerScan(3));
        for (int i = 0; i < 4; i++) {
            send(place("o-many-" + i));
        }
        events.readValuesToList();
        driver.advanceWallClockTime(Duration.ofSeconds(1));  // at rest now: the next scan waits for the deadlines

        driver.advanceWallClockTime(Duration.ofSeconds(29));  // all due: one scan takes three of them
        assertThat(events.readValuesToList()).hasSize(3);
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(events.readValuesToList()).singleElement().satisfies(e -> assertThat(
                ((TransitionUpdate) e.getBody()).getReason()).startsWith("confirm timed out"));
    }

    /** Places {@code orderId}, reserves its stock and declines its payment: confirmed, unpaid, its deadline 2 h ahead. */
    private void confirmedWithItsPaymentDeclined(String orderId) {
        send(place(orderId));
        inventory.pipeInput(orderId, outcome(orderId, orderId + "-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        EffectOutcome declined = outcome(orderId, orderId + "-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.FAILED);
        declined.setReason("card declined");
        payment.pipeInput(orderId, declined);
        events.readValuesToList();
    }

    @Test
    void restScanWaitsForTheNextDeadlineWithinItsBounds() {
        Instant now = Instant.parse("2026-12-02T10:00:00Z");
        Duration every = Duration.ofSeconds(1);
        assertThat(OrderProcessor.restScan(now, now.minusSeconds(5), every)).isEqualTo(every);
        assertThat(OrderProcessor.restScan(now, now.plusSeconds(20), every)).isEqualTo(Duration.ofSeconds(20));
        assertThat(OrderProcessor.restScan(now, now.plus(Duration.ofDays(3)), every)).isEqualTo(OrderProcessor.REST_SCAN);
    }

    @Test
    void heldRequestWaitsBeyondTheNormalTimeoutWithTheReasonVisible() {
        send(place("o-7"));
        EffectOutcome held = outcome("o-7", "o-7-r1", Effect.RESERVE_STOCK, OutcomeStatus.HELD);
        held.setReason("inventory database unavailable");
        inventory.pipeInput("o-7", held);
        driver.advanceWallClockTime(Duration.ofSeconds(31));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).hasSize(2);
        assertThat(((TransitionUpdate) emitted.get(1).getBody()).getStatus()).isEqualTo(UpdateStatus.HELD);
        assertThat(emitted.get(1).getOrder().getNote()).isEqualTo("held: inventory database unavailable");
        assertThat(emitted.get(1).getOrder().getPendingTransition()).isEqualTo(Transition.CONFIRM);
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
        inventory.pipeInput("o-9", outcome("o-9", "o-9-f4", Effect.DEDUCT_STOCK, OutcomeStatus.SUCCEEDED));
        events.readValuesToList();

        driver.advanceWallClockTime(Duration.ofDays(3).plusSeconds(1));
        driver.advanceWallClockTime(Duration.ofDays(3).plusSeconds(1));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).hasSize(1);
        assertThat(((TransitionUpdate) emitted.get(0).getBody()).getStatus()).isEqualTo(UpdateStatus.FLAGGED);
        assertThat(emitted.get(0).getOrder().getState()).isEqualTo(OrderState.SHIPPED);
    }

    /** Issue 11, gap 1: a compensation its worker dead-lettered gets no answer; its deadline flags the order. */
    @Test
    void aDeadLetteredCompensationFlagsItsOrderByItsDeadline() {
        send(place("o-20"));
        inventory.pipeInput("o-20", outcome("o-20", "o-20-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        send(take("o-20", Transition.CANCEL, Role.SUPPORT));
        List<OrderEvent> sent = inventoryRequests.readValuesToList();
        EffectRequested release = request(sent.get(sent.size() - 1));
        assertThat(release.getEffect()).isEqualTo(Effect.RELEASE_STOCK);
        // The capture the cancel preempted is voided; the inventory worker dead-letters the release: no outcome comes.
        payment.pipeInput("o-20", outcome("o-20", "o-20-f3", Effect.VOID_PAYMENT, OutcomeStatus.SUCCEEDED));
        events.readValuesToList();

        driver.advanceWallClockTime(Duration.ofHours(1).minusSeconds(5));
        assertThat(events.readValuesToList()).as("nothing before its deadline").isEmpty();
        driver.advanceWallClockTime(Duration.ofSeconds(10));

        List<OrderEvent> flagged = events.readValuesToList();
        assertThat(flagged).singleElement().satisfies(e -> {
            TransitionUpdate u = (TransitionUpdate) e.getBody();
            assertThat(u.getStatus()).isEqualTo(UpdateStatus.FLAGGED);
            assertThat(u.getReason()).contains(release.getRequestId(), "needs attention");
            assertThat(e.getOrder().getState()).isEqualTo(OrderState.CANCELLED);
        });
        OrderRecord stored = driver.<String, OrderRecord>getKeyValueStore(EngineTopology.ORDERS_STORE).get("o-20");
        assertThat(stored.getFlag()).as("the flag lives in the order's state").contains(release.getRequestId());
        assertThat(stored.getFollowUps()).isEmpty();

        // A late or repeated failure of the same request does not flag twice.
        inventory.pipeInput("o-20", outcome("o-20", release.getRequestId(), Effect.RELEASE_STOCK, OutcomeStatus.FAILED));
        driver.advanceWallClockTime(Duration.ofHours(2));
        assertThat(events.readValuesToList()).isEmpty();
    }

    @Test
    void aRequestWaitsWhileItsWorkerIsAnsweringOthersAndRollsBackOnceTheWorkerFallsSilent() {
        send(place("o-11"));
        send(place("o-12"));
        driver.advanceWallClockTime(Duration.ofSeconds(20));
        // The inventory worker is behind: it answers o-11 after 20 s and has not reached o-12 yet.
        inventory.pipeInput("o-11", outcome("o-11", "o-11-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        events.readValuesToList();

        driver.advanceWallClockTime(Duration.ofSeconds(11)); // o-12's request is 31 s old: past the 30 s timeout

        assertThat(events.readValuesToList()).as("no rollback while the worker is answering").isEmpty();
        assertThat(inventoryRequests.readValuesToList()).extracting(OrderEvent::getEventId).doesNotContain("o-12-f2");

        driver.advanceWallClockTime(Duration.ofSeconds(20)); // 30 s and more since the worker last answered anything

        assertThat(events.readValuesToList()).filteredOn(e -> e.getOrderId().equals("o-12")).singleElement()
                .satisfies(e -> assertThat(((TransitionUpdate) e.getBody()).getStatus())
                        .isEqualTo(UpdateStatus.ROLLED_BACK));
        assertThat(inventoryRequests.readValuesToList()).extracting(OrderEvent::getEventId).containsExactly("o-12-f2");
    }

    @Test
    void aRequestTheWorkerReachesLateCompletesNormally() {
        send(place("o-13"));
        send(place("o-14"));
        for (int i = 0; i < 4; i++) { // the worker answers someone every 20 s, reaching o-14 only after 80 s
            driver.advanceWallClockTime(Duration.ofSeconds(20));
            send(place("o-x" + i));
            inventory.pipeInput("o-x" + i, outcome("o-x" + i, "o-x" + i + "-r1", Effect.RESERVE_STOCK,
                    OutcomeStatus.FAILED));
        }
        inventory.pipeInput("o-14", outcome("o-14", "o-14-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));

        List<OrderEvent> o14 = events.readValuesToList().stream().filter(e -> e.getOrderId().equals("o-14")).toList();
        assertThat(o14).extracting(e -> e.getBody().getClass().getSimpleName())
                .containsExactly("StateChanged", "StateChanged");
        assertThat(o14.get(1).getOrder().getState()).isEqualTo(OrderState.CONFIRMED);
    }

    @Test
    void newOrdersAreRefusedAsBusyWhileThePartitionHasTooManyInFlightAndAcceptedAgainAfter() throws Exception {
        start(EngineSettings.DEFAULTS.withMaxInFlight(2));
        OrderCommand first = place("o-20");
        send(first);
        send(place("o-21"));
        OrderCommand third = place("o-22");
        send(third);

        List<CommandResult> answers = results.readValuesToList();
        assertThat(answers).extracting(CommandResult::getStatus)
                .containsExactly(CommandStatus.APPLIED, CommandStatus.APPLIED, CommandStatus.REJECTED);
        CommandResult busy = answers.get(2);
        assertThat(busy.getRejectionCode()).isEqualTo("BUSY");
        assertThat(busy.getMessage()).isEqualTo("busy: order o-22 not placed, 2 orders in flight (bound 2); retry after 5 s");
        assertThat(busy.getRetryAfterMs()).isEqualTo(5_000L);
        assertThat(busy.getState()).isNull();

        // Orders already accepted go on: their next steps are never refused for load; a repeat still gets its answer.
        inventory.pipeInput("o-20", outcome("o-20", "o-20-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED));
        send(first);
        assertThat(results.readValue().getStatus()).isEqualTo(CommandStatus.DUPLICATE);
        assertThat(paymentRequests.readValuesToList()).extracting(OrderEvent::getEventId).containsExactly("o-20-r2");

        EffectOutcome shortage = outcome("o-21", "o-21-r1", Effect.RESERVE_STOCK, OutcomeStatus.FAILED);
        shortage.setReason("out of stock");
        inventory.pipeInput("o-21", shortage); // o-21 rolled back: one order less in flight
        send(third);

        assertThat(results.readValue().getStatus()).isEqualTo(CommandStatus.APPLIED);
        assertThat(driver.<String, OrderRecord>getKeyValueStore(EngineTopology.ORDERS_STORE).get("o-22")).isNotNull();
    }
}
