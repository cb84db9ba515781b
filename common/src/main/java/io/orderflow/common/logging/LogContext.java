package io.orderflow.common.logging;

import io.orderflow.schema.CommandResult;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import java.util.List;
import org.slf4j.MDC;

/**
 * The ids of the order record a thread is working on, in SLF4J's MDC, so every line logged meanwhile carries them
 * ({@code order_id=o-1 command_id=... request_id=... correlation_id=...}, see {@link OrderIdsConverter}) and
 * {@code grep o-1} over all services' logs follows one order. Set once per record by the shared plumbing (the
 * idempotent consumer, the engine's processor, the outbox relay); closing restores what was there before.
 *
 * <pre>{@code try (LogContext ignored = LogContext.of(record.key(), record.value())) { handle(record); }}</pre>
 */
public final class LogContext implements AutoCloseable {
    public static final String ORDER = "order_id";
    public static final String COMMAND = "command_id";
    public static final String REQUEST = "request_id";
    public static final String CORRELATION = "correlation_id";
    /** In the order log lines show them. */
    public static final List<String> KEYS = List.of(ORDER, COMMAND, REQUEST, CORRELATION);

    private final String[] previous = new String[KEYS.size()];

    private LogContext(String... values) {
        for (int i = 0; i < values.length; i++) {
            String key = KEYS.get(i);
            previous[i] = MDC.get(key);
            if (values[i] == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, values[i]);
            }
        }
    }

    /** The ids an order record carries (a command, an event or effect request, an outcome, a result); {@code key} is
     * the record's key, the order id, used when the value is unknown or null (an undecodable record). */
    public static LogContext of(String key, Object value) {
        if (value instanceof OrderCommand c) {
            return new LogContext(c.getOrderId(), c.getCommandId(), null, c.getCorrelationId());
        }
        if (value instanceof OrderEvent e) {
            String request = e.getBody() instanceof EffectRequested r ? r.getRequestId() : null;
            return new LogContext(e.getOrderId(), null, request, e.getCorrelationId());
        }
        if (value instanceof EffectOutcome o) {
            return new LogContext(o.getOrderId(), null, o.getRequestId(), o.getCorrelationId());
        }
        if (value instanceof CommandResult r) {
            return new LogContext(r.getOrderId(), r.getCommandId(), null, r.getCorrelationId());
        }
        return new LogContext(key, null, null, null);
    }

    /** Just the order id, e.g. for an outbox row or a due work item. */
    public static LogContext order(String orderId) {
        return new LogContext(orderId, null, null, null);
    }

    @Override
    public void close() {
        for (int i = 0; i < previous.length; i++) {
            if (previous[i] == null) {
                MDC.remove(KEYS.get(i));
            } else {
                MDC.put(KEYS.get(i), previous[i]);
            }
        }
    }
}
