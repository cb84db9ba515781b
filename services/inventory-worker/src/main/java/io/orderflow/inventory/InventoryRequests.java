package io.orderflow.inventory;

import io.orderflow.common.worker.EffectWorker;
import io.orderflow.common.worker.Outcomes;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.Shortage;
import io.orderflow.schema.codec.AvroCodec;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the engine's stock requests: decodes one, runs one {@link Inventory} operation, and returns the outcome
 * the worker publishes. A request id answered before gets that first answer again and changes nothing: the request
 * id is the worker's idempotency key, beside the event-id dedupe of the consumer.
 */
final class InventoryRequests implements EffectWorker.Handler {
    private static final Logger log = LoggerFactory.getLogger(InventoryRequests.class);
    private static final AvroCodec<EffectOutcome> OUTCOMES = AvroCodec.of(EffectOutcome.class);

    private final Inventory inventory;
    private final Clock clock;

    InventoryRequests(Inventory inventory, Clock clock) {
        this.inventory = inventory;
        this.clock = clock;
    }

    @Override
    public Optional<EffectOutcome> handle(Handle handle, OrderEvent event, EffectRequested request) {
        return handleAll(handle, List.of(event)).stream().findFirst();
    }

    /** The batch under one DAO, its stock rows locked first in SKU order (see {@link Inventory}). */
    @Override
    public List<EffectOutcome> handleAll(Handle handle, List<OrderEvent> events) {
        InventoryDao dao = handle.attach(InventoryDao.class);
        Map<String, EffectOutcome> answered = new HashMap<>();
        dao.answers(events.stream().map(e -> request(e).getRequestId()).distinct().toArray(String[]::new))
                .forEach(answer -> answered.put(answer.requestId(), OUTCOMES.decode(answer.outcome())));
        List<String> reservedSkus = new ArrayList<>();
        List<String> ordersMoved = new ArrayList<>();
        for (OrderEvent event : events) {
            if (request(event).getEffect() == Effect.RESERVE_STOCK) {
                lines(event).forEach(line -> reservedSkus.add(line.sku()));
            } else {
                ordersMoved.add(event.getOrderId());
            }
        }
        inventory.lockStock(dao, reservedSkus, ordersMoved);
        List<EffectOutcome> outcomes = new ArrayList<>(events.size());
        for (OrderEvent event : events) {
            EffectRequested request = request(event);
            EffectOutcome earlier = answered.get(request.getRequestId());
            if (earlier != null) {
                log.info("request {} of order {} was answered before; repeating that answer", request.getRequestId(),
                        event.getOrderId());
                outcomes.add(earlier);
                continue;
            }
            EffectOutcome outcome = perform(dao, event, request);
            answered.put(request.getRequestId(), outcome);
            outcomes.add(outcome);
        }
        return outcomes;
    }

    private EffectOutcome perform(InventoryDao dao, OrderEvent event, EffectRequested request) {
        String orderId = event.getOrderId();
        String target = request.getTargetRequestId();
        StockResult result = switch (request.getEffect()) {
            case RESERVE_STOCK -> inventory.reserve(dao, orderId, request.getRequestId(), lines(event));
            case RELEASE_STOCK -> inventory.release(dao, orderId, target);
            case DEDUCT_STOCK -> inventory.deduct(dao, orderId, target);
            case RESTORE_STOCK -> inventory.restore(dao, orderId, target);
            default -> throw new IllegalArgumentException("the inventory worker does not do " + request.getEffect());
        };
        EffectOutcome outcome = outcome(event, request, result);
        dao.recordAnswer(request.getRequestId(), orderId, request.getEffect().name(), outcome.getStatus().name(),
                OUTCOMES.encode(outcome));
        return outcome;
    }

    private static EffectRequested request(OrderEvent event) {
        return (EffectRequested) event.getBody();
    }

    private static List<Line> lines(OrderEvent event) {
        return event.getOrder().getDetails().getLines().stream()
                .map(line -> new Line(line.getSku(), line.getQuantity()))
                .toList();
    }

    private EffectOutcome outcome(OrderEvent event, EffectRequested request, StockResult result) {
        EffectOutcome.Builder outcome = result.done()
                ? Outcomes.succeeded(event, request, clock.instant()).setReason(result.reason())
                : Outcomes.failed(event, request, result.reason(), clock.instant());
        return outcome.setShortages(result.shortfalls().stream()
                        .map(s -> new Shortage(s.sku(), s.requested(), s.available()))
                        .toList())
                .build();
    }
}
