package io.orderflow.benchmark;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The bare Kafka Streams exactly-once read-modify-write the engine is compared with, measured the way the reference
 * figures were (INFRA-NOTES.md): a persistent RocksDB store with changelog and no record cache; per record one get,
 * version + 1, one put and one ~150-byte event forwarded; exactly_once_v2 at the engine's commit interval. Throughput
 * over input preloaded across many keys, from start() until the group's committed offsets reach the input's end;
 * latency from a paced producer to a read_committed consumer in this JVM, the first seconds dropped.
 */
final class Baseline {
    static final String STORE = "orders";
    private static final int PARTITIONS = 6;

    /** The topology: one store, one processor, one output. */
    static Topology topology(String in, String out) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.Long()).withCachingDisabled());
        builder.stream(in, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(Machine::new, STORE)
                .to(out, Produced.with(Serdes.String(), Serdes.ByteArray()));
        return builder.build();
    }

    /** Reads the key's version, writes version + 1, forwards an event that keeps the input's first 8 bytes (its send time). */
    static final class Machine implements Processor<String, byte[], String, byte[]> {
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Long> store;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Long version = store.get(record.key());
            long next = version == null ? 1 : version + 1;
            store.put(record.key(), next);
            ByteBuffer event = ByteBuffer.allocate(150);
            event.put(record.value(), 0, Math.min(8, record.value().length)).position(8);
            event.putLong(next);
            context.forward(record.withValue(event.array()));
        }
    }

    private final Config config;
    private final String in;
    private final String out;
    private final String applicationId;

    Baseline(Config config, String run) {
        this.config = config;
        this.in = "bench." + run + ".baseline-in";
        this.out = "bench." + run + ".baseline-out";
        this.applicationId = "bench-" + run + "-baseline";
    }

    Scenario measure(int records, int keys, int latencyRate, int latencySeconds, int warmupSeconds) throws Exception {
        ProcessCpu cpu = new ProcessCpu(Path.of(config.get("ORDERFLOW_RUN_DIR", "/tmp/orderflow")));
        Map<String, Integer> processes = cpu.processes();
        processes.put("baseline-streams", processes.remove(ProcessCpu.CLIENT));
        Path stateDir = Files.createTempDirectory("orderflow-baseline");
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(in, PARTITIONS, (short) 1), new NewTopic(out, PARTITIONS, (short) 1)))
                    .all().get();
            try {
                System.out.printf("==> baseline: preloading %,d records over %,d keys%n", records, keys);
                preload(records, keys);
                Map<String, Double> cpuBefore = cpu.seconds(processes);
                Timeline timeline = new Timeline(System.nanoTime());
                Latencies latencies = new Latencies();
                long transitions;
                double seconds;
                try (KafkaStreams streams = new KafkaStreams(topology(in, out), streamsProperties(stateDir));
                     KafkaConsumer<byte[], byte[]> events = endOfOutput()) {
                    long start = System.nanoTime();
                    streams.start();
                    long endOffset = sum(admin.listOffsets(partitions(in).stream().collect(Collectors.toMap(p -> p,
                            p -> OffsetSpec.latest()))).all().get().values().stream().map(i -> i.offset()).toList());
                    long done = 0;
                    long lastSecond = start;
                    long lastDone = 0;
                    while (done < endOffset) {
                        Thread.sleep(200);
                        done = committed(admin);
                        long now = System.nanoTime();
                        if (now - lastSecond >= 1_000_000_000L) {
                            timeline.transitions(now, done - lastDone);
                            lastSecond = now;
                            lastDone = done;
                        }
                        if (now - start > Duration.ofMinutes(10).toNanos()) {
                            throw new IllegalStateException("the baseline did not finish in 10 minutes");
                        }
                    }
                    seconds = (System.nanoTime() - start) / 1e9;
                    transitions = records;
                    System.out.printf("    %,d records in %.1f s: %,.0f records/s%n", records, seconds, records / seconds);
                    paced(events, latencyRate, latencySeconds, warmupSeconds, latencies, timeline);
                    streams.close(Duration.ofSeconds(30));
                    streams.cleanUp();
                }
                Map<String, Double> used = ProcessCpu.delta(cpuBefore, cpu.seconds(processes));
                return new Scenario("baseline", String.format("bare Kafka Streams exactly-once read-modify-write"
                        + " (RocksDB store with changelog, no cache, commit 20 ms): %,d records over %,d keys, latency"
                        + " at %,d records/s", records, keys, latencyRate), transitions, round(seconds),
                        round(transitions / seconds), null, 1.0,
                        latencies.count() == 0 ? Map.of() : Map.of("engine", latencies.summary()), used,
                        Scenario.cpuMsPerTransition(used, transitions), null, null, null, null, timeline.points());
            } finally {
                admin.deleteTopics(List.of(in, out, applicationId + "-" + STORE + "-changelog"));
            }
        }
    }

    private void preload(int records, int keys) {
        byte[] value = new byte[100];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(20))) {
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(in, "key-" + (i % keys), value));
            }
        }
    }

    /** Records at {@code rate}/s for {@code seconds}, each carrying its send time; latency to its event. */
    private void paced(KafkaConsumer<byte[], byte[]> events, int rate, int seconds, int warmup, Latencies latencies,
                       Timeline timeline) {
        System.out.printf("==> baseline latency: %,d records/s for %d s (first %d s dropped)%n", rate, seconds, warmup);
        events.seekToEnd(events.assignment());   // past the throughput run's events
        events.assignment().forEach(events::position);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProperties(0))) {
            long start = System.nanoTime();
            long measureFrom = start + warmup * 1_000_000_000L;
            long end = start + seconds * 1_000_000_000L;
            long sent = 0;
            long total = (long) rate * seconds;
            long received = 0;
            while (received < total && System.nanoTime() < end + 30_000_000_000L) {
                long due = Math.min(total, (System.nanoTime() - start) * rate / 1_000_000_000L);
                for (; sent < due; sent++) {
                    byte[] value = ByteBuffer.allocate(100).putLong(System.nanoTime()).array();
                    producer.send(new ProducerRecord<>(in, "key-" + (sent % 100_000), value));
                }
                for (ConsumerRecord<byte[], byte[]> r : events.poll(Duration.ofMillis(1))) {
                    long now = System.nanoTime();
                    long sentAt = ByteBuffer.wrap(r.value()).getLong();
                    received++;
                    if (sentAt >= measureFrom && sentAt <= now) {
                        latencies.recordNanos(now - sentAt);
                        timeline.engineHop(now, now - sentAt);
                    }
                }
            }
        }
    }

    private Properties streamsProperties(Path stateDir) {
        Properties p = new Properties();
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        KafkaConfig kafka = new KafkaConfig(config);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, kafka.streamsCommitIntervalMs());
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, kafka.streamsThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    private Properties producerProperties(int lingerMs) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringSerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return p;
    }

    private KafkaConsumer<byte[], byte[]> endOfOutput() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = partitions(out);
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private long committed(Admin admin) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        Set<TopicPartition> input = Set.copyOf(partitions(in));
        return sum(offsets.entrySet().stream().filter(e -> input.contains(e.getKey()) && e.getValue() != null)
                .map(e -> e.getValue().offset()).toList());
    }

    private List<TopicPartition> partitions(String topic) {
        return java.util.stream.IntStream.range(0, PARTITIONS).mapToObj(i -> new TopicPartition(topic, i)).toList();
    }

    private static long sum(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).sum();
    }

    static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }
}
