package io.orderflow.shipping;

import static io.orderflow.common.testing.EffectRequests.newOrderId;
import static io.orderflow.shipping.Requests.createLabel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.orderflow.common.kafka.Topics;
import io.orderflow.common.testing.MutableClock;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.OutcomeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A worker stopped mid-stream, whose group then forgets its offsets, loses no request and doubles nothing. */
class RestartIntegrationTest {
    private static final int ORDERS = 30;
    private static ShippingFixture fixture;

    @BeforeAll
    static void start() {
        fixture = ShippingFixture.start(Map.of(), new MutableClock(Instant.now()));
    }

    @AfterAll
    static void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void workerRestartedMidStreamLosesNothingAndDuplicatesNothing() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> beforeSends = endOffsetsOfOrderEvents();
        List<String> orderIds = new ArrayList<>();
        for (int i = 0; i < ORDERS; i++) {
            String orderId = newOrderId("restart-" + i);
            orderIds.add(orderId);
            fixture.send(createLabel(orderId, orderId + "-r4"));
        }
        await().atMost(ShippingFixture.WAIT).until(() -> answered(orderIds) >= 3);

        fixture.stopWorker();
        // As if it had crashed before committing any offset: everything since the first send comes again.
        fixture.kafka.admin().alterConsumerGroupOffsets(fixture.group, beforeSends).all().get(30, TimeUnit.SECONDS);
        fixture.startWorker();

        await().atMost(ShippingFixture.WAIT).until(() -> answered(orderIds) == ORDERS);
        for (String orderId : orderIds) {
            List<EffectOutcome> outcomes = fixture.outcomes(orderId);
            assertThat(outcomes).as(orderId).extracting(EffectOutcome::getStatus).containsExactly(OutcomeStatus.SUCCEEDED);
            assertThat(fixture.labels(orderId)).as(orderId).extracting(l -> l.path("labelId").asText())
                    .containsExactly(outcomes.get(0).getReference());
        }
        assertThat(fixture.queryString("select count(*) from shipments")).isEqualTo(String.valueOf(ORDERS));
    }

    @Test
    void labelMadeJustBeforeACrashIsTakenOverNotMadeAgain() {
        String orderId = newOrderId("crashed");
        // What a worker that crashed after the carrier's answer, before its commit, left behind: a label made under
        // the request's idempotency key, and the request still unprocessed.
        JsonNode before = fixture.carrierPost("/v1/labels", orderId + "-r4", """
                {"orderId": "%s",
                 "address": {"name": "Ada Lovelace", "line1": "1 Analytical St", "city": "London",
                             "postalCode": "N1 9GU", "country": "GB"},
                 "lines": [{"sku": "SKU-1", "quantity": 2}, {"sku": "SKU-2", "quantity": 1}]}""".formatted(orderId));

        fixture.send(createLabel(orderId, orderId + "-r4"));
        EffectOutcome outcome = fixture.awaitOutcome(orderId, o -> o.getStatus() == OutcomeStatus.SUCCEEDED);

        assertThat(outcome.getReference()).isEqualTo(before.path("labelId").asText());
        assertThat(outcome.getTrackingNumber()).isEqualTo(before.path("trackingNumber").asText());
        assertThat(fixture.labels(orderId)).hasSize(1);
    }

    private static long answered(List<String> orderIds) {
        return orderIds.stream().filter(id -> !fixture.outcomes(id).isEmpty()).count();
    }

    private static Map<TopicPartition, OffsetAndMetadata> endOffsetsOfOrderEvents() throws Exception {
        String topic = Topics.SHIPPING_REQUESTS.name();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < fixture.kafka.partitions(); p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
        fixture.kafka.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                .forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
        return ends;
    }
}
