package io.orderflow.admin.projection;

import io.orderflow.admin.ReadModel;
import io.orderflow.common.app.Readiness;
import io.orderflow.common.config.Config;
import io.orderflow.common.consumer.IdempotentConsumer;
import io.orderflow.common.db.Database;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.Effect;
import io.orderflow.schema.EffectOutcome;
import io.orderflow.schema.LedgerEntry;
import io.orderflow.schema.OrderEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The read-model projector: its own consumer groups ({@code <group>-events}, {@code -results}, {@code -tracking},
 * {@code -ledger}) on orders.events with the request topics (which carry the in-flight details), orders.command-results,
 * the carrier's tracking news and the finance ledger, each applied once per message id in the admin schema. Any number
 * may run; they share the partitions.
 */
public final class Projector implements AutoCloseable, Readiness {
    public static final String GROUP_SETTING = "ORDERFLOW_PROJECTOR_GROUP";
    /** The engine's records about orders: state changes and updates, and the effect requests on the workers' topics. */
    public static final List<Topic<String, OrderEvent>> ORDER_TOPICS = Stream.concat(Stream.of(Topics.ORDER_EVENTS),
            Topics.REQUESTS.stream()).toList();

    private final Database database;
    private final List<IdempotentConsumer<?>> consumers;

    private Projector(Database database, List<IdempotentConsumer<?>> consumers) {
        this.database = database;
        this.consumers = consumers;
    }

    public static Projector start(Config config, Clock clock) {
        Database database = ReadModel.open(config);
        String group = config.get(GROUP_SETTING, "admin-projector");
        List<IdempotentConsumer<?>> started = new ArrayList<>();
        try {
            started.add(IdempotentConsumer.builder(ORDER_TOPICS, OrderEvent::getEventId)
                    .groupId(group + "-events")
                    .batchHandler((handle, records) -> Projection.applyAll(handle,
                            records.stream().map(ConsumerRecord::value).toList()))
                    .start(config, database.jdbi()));
            started.add(IdempotentConsumer.builder(Topics.COMMAND_RESULTS, Projector::resultId)
                    .groupId(group + "-results")
                    .handler((handle, result, record) -> Projection.apply(handle, result))
                    .start(config, database.jdbi()));
            started.add(IdempotentConsumer.builder(Topics.SHIPPING_EVENTS, EffectOutcome::getOutcomeId)
                    .groupId(group + "-tracking")
                    .relevant(o -> o.getEffect() == Effect.TRACK_SHIPMENT && o.getTrackingStatus() != null)
                    .handler((handle, outcome, record) -> Projection.applyTracking(handle, outcome))
                    .start(config, database.jdbi()));
            started.add(IdempotentConsumer.builder(Topics.FINANCE_LEDGER, LedgerEntry::getEntryId)
                    .groupId(group + "-ledger")
                    .handler((handle, entry, record) -> Projection.apply(handle, entry))
                    .start(config, database.jdbi()));
            return new Projector(database, started);
        } catch (RuntimeException e) {
            started.forEach(IdempotentConsumer::close);
            database.close();
            throw e;
        }
    }

    /** A repeated command id gets a second (DUPLICATE) result; both are distinct messages. */
    private static String resultId(CommandResult result) {
        return result.getCommandId() + "/" + result.getStatus() + "/" + result.getDecidedAt().toEpochMilli();
    }

    public boolean isRunning() {
        return consumers.stream().allMatch(IdempotentConsumer::isRunning);
    }

    @Override
    public Optional<String> unready() {
        return Readiness.running(isRunning());
    }

    @Override
    public void close() {
        consumers.forEach(IdempotentConsumer::close);
        database.close();
    }
}
