package io.orderflow.engine;

import static io.orderflow.engine.Commands.place;
import static org.assertj.core.api.Assertions.assertThat;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import io.orderflow.domain.Rules;
import io.orderflow.domain.Timeouts;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.OutcomeStatus;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import io.orderflow.schema.UpdateStatus;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Monday morning (issue 11, gap 6): ships held over a closed weekend count their deadline from when the shipping worker
 * can act, so a slow worker that reaches the last of hundreds long after the opening still completes them all.
 */
class WeekendHoldTopologyTest {
    private static final Instant FRIDAY_EVENING = Instant.parse("2026-11-27T17:05:00Z");
    private static final Instant MONDAY_OPENING = Instant.parse("2026-11-30T09:00:00Z");
    private static final Timeouts TIMEOUTS =
            new Timeouts(Duration.ofSeconds(30), Duration.ofHours(1), Duration.ofHours(2), Duration.ofDays(3));
    private static final int ORDERS = 200;
    /** The shipping worker takes this long per label on Monday: the last is answered 33 minutes after opening. */
    private static final Duration PER_LABEL = Duration.ofSeconds(10);

    private TopologyTestDriver driver;
    private Instant clock = FRIDAY_EVENING;

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void twoHundredShipsHeldOverAClosedWeekendAllCompleteAfterOpening() throws Exception {
        var props = new KafkaConfig(Config.of(Map.of(
                "ORDERFLOW_STATE_DIR", Files.createTempDirectory("weekend-test").toString()))).streams("weekend-test");
        var hours = BusinessHours.parse("MON-FRI 09:00-17:00", ZoneOffset.UTC, Set.of());
        driver = new TopologyTestDriver(EngineTopology.build(new OrderMachine(Rules.choreographed(hours, TIMEOUTS)),
                EngineSettings.DEFAULTS), props, FRIDAY_EVENING);
        TestInputTopic<String, io.orderflow.schema.OrderCommand> commands = driver.createInputTopic(
                Topics.ORDER_COMMANDS.name(), new StringSerializer(), Topics.ORDER_COMMANDS.valueSerde().serializer());
        TestInputTopic<String, EffectOutcome> inventory = outcomeTopic(Topics.INVENTORY_EVENTS.name());
        TestInputTopic<String, EffectOutcome> payment = outcomeTopic(Topics.PAYMENT_EVENTS.name());
        TestInputTopic<String, EffectOutcome> shipping = outcomeTopic(Topics.SHIPPING_EVENTS.name());
        TestOutputTopic<String, OrderEvent> events = outputTopic(Topics.ORDER_EVENTS.name());
        TestOutputTopic<String, OrderEvent> shippingRequests = outputTopic(Topics.SHIPPING_REQUESTS.name());
        List<String> orders = IntStream.range(0, ORDERS).mapToObj(i -> "o-" + i).toList();

        // Friday after closing: every order is placed, reserved and paid; its ship waits for Monday, and the shipping
        // worker acknowledges each label request as held until the warehouse opens.
        for (String id : orders) {
            commands.pipeInput(id, place(id), clock);
            inventory.pipeInput(id, outcome(id, id + "-r1", Effect.RESERVE_STOCK, OutcomeStatus.SUCCEEDED), clock);
            EffectOutcome captured = outcome(id, id + "-r2", Effect.CAPTURE_PAYMENT, OutcomeStatus.SUCCEEDED);
            captured.setReference("ch-" + id);
            payment.pipeInput(id, captured, clock);
            EffectOutcome held = outcome(id, id + "-r3", Effect.CREATE_LABEL, OutcomeStatus.HELD);
            held.setReason("warehouse closed until Monday");
            shipping.pipeInput(id, held, clock);
        }
        assertThat(shippingRequests.readValuesToList()).extracting(e -> ((EffectRequested) e.getBody()).getEffect())
                .containsOnly(Effect.CREATE_LABEL).hasSize(ORDERS);

        // The weekend passes, the punctuator looking every hour; then Monday's opening.
        while (clock.isBefore(MONDAY_OPENING)) {
            Duration toOpening = Duration.between(clock, MONDAY_OPENING);
            advance(toOpening.compareTo(Duration.ofHours(1)) < 0 ? toOpening : Duration.ofHours(1));
        }
        assertThat(events.readValuesToList()).as("nothing happens over the weekend").noneMatch(e ->
                e.getBody() instanceof TransitionUpdate u && u.getStatus() != UpdateStatus.HELD);
        // The worker answers one label every 10 s: most requests are far past opening + the in-flight timeout.
        for (String id : orders) {
            advance(PER_LABEL);
            EffectOutcome labelled = outcome(id, id + "-r3", Effect.CREATE_LABEL, OutcomeStatus.SUCCEEDED);
            labelled.setReference("lbl-" + id);
            labelled.setTrackingNumber("TRK-" + id);
            shipping.pipeInput(id, labelled, clock);
        }
        advance(Duration.ofMinutes(1));

        List<OrderEvent> emitted = events.readValuesToList();
        assertThat(emitted).filteredOn(e -> e.getBody() instanceof TransitionUpdate u
                        && u.getStatus() == UpdateStatus.ROLLED_BACK)
                .as("no ship rolled back").isEmpty();
        assertThat(emitted).filteredOn(e -> e.getBody() instanceof StateChanged
                        && e.getOrder().getState() == OrderState.SHIPPED)
                .extracting(OrderEvent::getOrderId).as("every order shipped, once")
                .containsExactlyInAnyOrderElementsOf(orders);
        assertThat(shippingRequests.readValuesToList()).as("no label voided")
                .noneMatch(e -> ((EffectRequested) e.getBody()).getEffect() == Effect.VOID_LABEL);
    }

    private void advance(Duration by) {
        clock = clock.plus(by);
        driver.advanceWallClockTime(by);
    }

    private static EffectOutcome outcome(String orderId, String requestId, Effect effect, OutcomeStatus status) {
        return EffectOutcome.newBuilder().setOutcomeId(requestId + "-" + status).setOrderId(orderId)
                .setRequestId(requestId).setEffect(effect).setStatus(status).setOccurredAt(FRIDAY_EVENING).build();
    }

    private TestOutputTopic<String, OrderEvent> outputTopic(String name) {
        return driver.createOutputTopic(name, Topics.ORDER_EVENTS.keySerde().deserializer(),
                Topics.ORDER_EVENTS.valueSerde().deserializer());
    }

    private TestInputTopic<String, EffectOutcome> outcomeTopic(String name) {
        return driver.createInputTopic(name, new StringSerializer(), Topics.INVENTORY_EVENTS.valueSerde().serializer());
    }
}
