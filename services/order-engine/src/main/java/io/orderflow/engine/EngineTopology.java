package io.orderflow.engine;

import static io.orderflow.common.kafka.Topics.COMMAND_RESULTS;
import static io.orderflow.common.kafka.Topics.ORDER_COMMANDS;
import static io.orderflow.common.kafka.Topics.ORDER_EVENTS;
import static io.orderflow.common.kafka.Topics.OUTCOMES;
import static io.orderflow.common.kafka.Topics.STATE_COUNTS;

import io.orderflow.common.kafka.AvroSerde;
import io.orderflow.common.kafka.Topic;
import io.orderflow.common.kafka.Topics;
import io.orderflow.domain.OrderMachine;
import io.orderflow.schema.EffectRequested;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.processor.TopicNameExtractor;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/** The engine's topology, in one factory that the app and its tests both call. */
public final class EngineTopology {
    public static final String ORDERS_STORE = "orders";
    public static final String STATE_COUNTS_STORE = "state-counts";
    /** Deadline index: {@link DeadlineKey} to order id. */
    public static final String DEADLINES_STORE = "deadlines";
    /** Per-partition bookkeeping: see {@link PartitionState}. */
    public static final String PARTITION_STORE = "partition";

    private EngineTopology() {}

    public static Topology build(OrderMachine machine) {
        return build(machine, EngineSettings.DEFAULTS);
    }

    /** Commands and worker outcomes meet in one processor, so both are serialized per order by one task and store. */
    public static Topology build(OrderMachine machine, EngineSettings settings) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ORDERS_STORE), Serdes.String(), AvroSerde.of(OrderRecord.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DEADLINES_STORE), Serdes.String(), Serdes.String()));
        // A handful of counters updated by most records: cached, so each reaches its changelog once per commit.
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PARTITION_STORE), Serdes.String(), Serdes.Long()).withCachingEnabled());

        KStream<String, EngineInput> commands = builder
                .stream(ORDER_COMMANDS.name(), ORDER_COMMANDS.consumed())
                .mapValues(EngineInput.Command::new, Named.as("commands"));
        KStream<String, EngineInput> outcomes = builder
                .stream(OUTCOMES.stream().map(Topic::name).toList(), OUTCOMES.get(0).consumed())
                .mapValues(EngineInput.Outcome::new, Named.as("outcomes"));
        KStream<String, EngineOutput> outputs = commands.merge(outcomes, Named.as("inputs"))
                .process(() -> new OrderProcessor(machine, settings), Named.as("decide"), ORDERS_STORE,
                        DEADLINES_STORE, PARTITION_STORE);

        // Every output of one input record goes out in the task's one exactly-once transaction, requests included.
        outputs.split(Named.as("route-"))
                .branch((key, out) -> out instanceof EngineOutput.Event, Branched.withConsumer(events -> events
                        .mapValues(out -> ((EngineOutput.Event) out).event())
                        .to(ORDER_EVENTS.name(), ORDER_EVENTS.produced()), "events"))
                .branch((key, out) -> out instanceof EngineOutput.Request, Branched.withConsumer(requests -> requests
                        .mapValues(out -> ((EngineOutput.Request) out).event())
                        .to(workerTopic(), ORDER_EVENTS.produced()), "requests"))
                .branch((key, out) -> out instanceof EngineOutput.Result, Branched.withConsumer(results -> results
                        .mapValues(out -> ((EngineOutput.Result) out).result())
                        .to(COMMAND_RESULTS.name(), COMMAND_RESULTS.produced()), "results"))
                .branch((key, out) -> out instanceof EngineOutput.CountDelta, Branched.withConsumer(deltas -> deltas
                        .mapValues(out -> ((EngineOutput.CountDelta) out).delta())
                        .groupByKey(Grouped.with("state-count-deltas", Serdes.String(), Serdes.Long()))
                        .reduce(Long::sum, Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STATE_COUNTS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                        .toStream()
                        .to(STATE_COUNTS.name(), STATE_COUNTS.produced()), "counts"));
        return builder.build();
    }

    /** Each request goes to the topic of the worker that performs its effect. */
    private static TopicNameExtractor<String, OrderEvent> workerTopic() {
        return (key, event, context) -> Topics.requestsFor(((EffectRequested) event.getBody()).getEffect()).name();
    }
}
