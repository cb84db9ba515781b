package io.orderflow.common.outbox;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Writes outgoing messages into the service's outbox table, inside the caller's transaction, so a message exists
 * exactly when the business change it describes does. {@link OutboxRelay} publishes them.
 */
public final class Outbox {
    private static final String INSERT = """
            insert into outbox (id, aggregatetype, aggregateid, type, payload)
            values (:id, :aggregateType, :aggregateId, :type, :payload)""";

    /**
     * Adds {@code message} in {@code handle}'s open transaction; it is published only if that transaction commits.
     *
     * @throws IllegalStateException if {@code handle} is not in a transaction: the row would commit on its own,
     *                               even if the business change failed
     */
    public void add(Handle handle, OutboxMessage message) {
        addAll(handle, List.of(message));
    }

    /** Adds {@code messages}, in this order, in one round trip; see {@link #add}. */
    public void addAll(Handle handle, List<OutboxMessage> messages) {
        if (!handle.isInTransaction()) {
            throw new IllegalStateException("outbox messages must be added inside the business transaction");
        }
        if (messages.isEmpty()) {
            return;
        }
        PreparedBatch batch = handle.prepareBatch(INSERT);
        for (OutboxMessage message : messages) {
            batch.bind("id", message.id())
                    .bind("aggregateType", message.aggregateType())
                    .bind("aggregateId", message.aggregateId())
                    .bind("type", message.type())
                    .bind("payload", message.payload())
                    .add();
        }
        batch.execute();
    }
}
