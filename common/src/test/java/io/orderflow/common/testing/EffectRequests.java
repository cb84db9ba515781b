package io.orderflow.common.testing;

import io.orderflow.schema.Actor;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderSnapshot;
import io.orderflow.schema.Role;
import io.orderflow.schema.codec.ReleasedSchemas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The engine's effect requests as worker tests put them on the worker's request topic ({@code Topics.requestsFor}):
 * an OrderEvent whose body is an EffectRequested. Each worker's tests build the order and the request they need; this
 * is the envelope around them.
 */
public final class EffectRequests {
    private static final AtomicLong SEQ = new AtomicLong();

    private EffectRequests() {}

    /** An order id no other test (or earlier run) uses, so tests never see each other's outcomes. */
    public static String newOrderId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A request id the engine's way, {@code <orderId>-r<n>}, unique within the test run. */
    public static String requestId(String orderId) {
        return orderId + "-r" + SEQ.incrementAndGet();
    }

    /** The id of the request {@code event} carries. */
    public static String requestIdOf(OrderEvent event) {
        return ((EffectRequested) event.getBody()).getRequestId();
    }

    /** {@code request} for {@code order}, published as the engine does when it updates the order. */
    public static OrderEvent event(OrderSnapshot order, EffectRequested request) {
        return OrderEvent.newBuilder()
                .setEventId(UUID.randomUUID().toString())
                .setOrderId(order.getOrderId())
                .setVersion(order.getVersion())
                .setOccurredAt(order.getUpdatedAt())
                .setCorrelationId("corr-" + order.getOrderId())
                .setCausationId("cmd-" + request.getRequestId())
                .setActor(new Actor("engine", Role.SYSTEM))
                .setBody(request)
                .setOrder(order)
                .build();
    }

    /**
     * {@code event} as a producer on an older schema wrote it: single-object encoded with released OrderEvent
     * {@code version}, so readers show they still understand records already on a topic.
     */
    public static byte[] encodedWithReleasedSchema(OrderEvent event, int version) {
        Schema released = ReleasedSchemas.of(OrderEvent.getClassSchema()).get(version - 1);
        try {
            ByteBuffer buffer = new BinaryMessageEncoder<OrderEvent>(SpecificData.get(), released).encode(event);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The same request in a new event, as after the engine asked again. */
    public static OrderEvent again(OrderEvent event) {
        return OrderEvent.newBuilder(event).setEventId(UUID.randomUUID().toString()).build();
    }
}
