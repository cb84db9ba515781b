package io.orderflow.engine;

import static io.orderflow.common.kafka.Topics.COMMAND_RESULTS;
import static io.orderflow.common.kafka.Topics.ORDER_COMMANDS;
import static io.orderflow.common.kafka.Topics.ORDER_EVENTS;
import static io.orderflow.common.kafka.Topics.STATE_COUNTS;

import io.orderflow.common.kafka.AvroSerde;
import io.orderflow.domain.OrderMachine;
import io.orderflow.schema.OrderRecord;
import java.time.Clock;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/** The engine's topology, in one factory that the app and its tests both call. */
public final class EngineTopology {
    public static final String ORDERS_STORE = "orders";
    public static final String STATE_COUNTS_STORE = "state-counts";

    private EngineTopology() {}

    public static Topology build(OrderMachine machine, Clock clock) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ORDERS_STORE), Serdes.String(), AvroSerde.of(OrderRecord.class)));

        KStream<String, EngineOutput> outputs = builder
                .stream(ORDER_COMMANDS.name(), ORDER_COMMANDS.consumed())
                .process(() -> new OrderProcessor(machine, clock), Named.as("decide"), ORDERS_STORE);

        outputs.split(Named.as("route-"))
                .branch((key, out) -> out instanceof EngineOutput.Event, Branched.withConsumer(events -> events
                        .mapValues(out -> ((EngineOutput.Event) out).event())
                        .to(ORDER_EVENTS.name(), ORDER_EVENTS.produced()), "events"))
                .branch((key, out) -> out instanceof EngineOutput.Result, Branched.withConsumer(results -> results
                        .mapValues(out -> ((EngineOutput.Result) out).result())
                        .to(COMMAND_RESULTS.name(), COMMAND_RESULTS.produced()), "results"))
                .branch((key, out) -> out instanceof EngineOutput.CountDelta, Branched.withConsumer(deltas -> deltas
                        .mapValues(out -> ((EngineOutput.CountDelta) out).delta())
                        .groupByKey(Grouped.with("state-count-deltas", Serdes.String(), Serdes.Long()))
                        .reduce(Long::sum, Materialized.<String, Long, org.apache.kafka.streams.state.KeyValueStore<org.apache.kafka.common.utils.Bytes, byte[]>>as(STATE_COUNTS_STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()))
                        .toStream()
                        .to(STATE_COUNTS.name(), STATE_COUNTS.produced()), "counts"));
        return builder.build();
    }
}
