package io.orderflow.common.testing;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.DeadLetters;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real Kafka broker ({@code ORDERFLOW_KAFKA_BOOTSTRAP}, {@code infra/kafka.sh}) seen through uniquely named
 * topics (each with its dead-letter topic), deleted on {@link #close()}; as a JUnit extension after the class's tests.
 */
public final class TestKafka implements AutoCloseable, AfterAllCallback {
    private final Config config;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final int partitions;
    private final List<String> created = new ArrayList<>();

    private TestKafka(Config config) {
        this.config = config;
        Properties props = new KafkaConfig(config).admin("test-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        this.admin = Admin.create(props);
        this.producer = new KafkaProducer<>(new KafkaConfig(config).producer("test-producer"));
        // The same count as infra/kafka.sh gives every topic, so test topics are co-partitioned like the real ones.
        this.partitions = config.getInt("ORDERFLOW_PARTITIONS", 6);
    }

    public static TestKafka create() {
        return create(Config.fromEnvironment());
    }

    public static TestKafka create(Config config) {
        TestKafka kafka = new TestKafka(config);
        try {
            kafka.admin.describeCluster().clusterId().get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            kafka.close();
            throw new IllegalStateException("Kafka is not reachable at " + config.kafkaBootstrap()
                    + " (start it with infra/kafka.sh start): " + e.getMessage(), e);
        }
        return kafka;
    }

    public Config config() {
        return config;
    }

    public Admin admin() {
        return admin;
    }

    public int partitions() {
        return partitions;
    }

    /** A new group id, so a test's consumers start from the beginning and never join another test's group. */
    public static String uniqueGroup(String prefix) {
        return prefix + "-" + shortId();
    }

    /** Creates a topic named {@code <prefix>-<random>} and its dead-letter topic; returns the name. */
    public String createTopic(String prefix) {
        return createTopicNamed(uniqueName(prefix));
    }

    /** A name no topic has yet, for a topic a test creates later (see {@link #createTopicNamed}). */
    public static String uniqueName(String prefix) {
        return prefix + "-" + shortId();
    }

    /** Creates {@code name} and its dead-letter topic (deleted on close); returns the name. */
    public String createTopicNamed(String name) {
        List<NewTopic> topics = List.of(new NewTopic(name, partitions, (short) 1),
                new NewTopic(DeadLetters.topicFor(name), partitions, (short) 1));
        try {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e.getMessage(), e);
        }
        synchronized (created) {
            created.add(name);
            created.add(DeadLetters.topicFor(name));
        }
        return name;
    }

    /** A new topic (and dead-letter topic) with {@code like}'s serdes, named after it. */
    public <V> Topic<String, V> createTopic(Topic<String, V> like) {
        return new Topic<>(createTopic(like.name()), like.keySerde(), like.valueSerde());
    }

    /** Sends one record and waits for its ack; returns where it landed. */
    public RecordMetadata send(String topic, byte[] key, byte[] value) {
        return send(new ProducerRecord<>(topic, key, value));
    }

    public <V> RecordMetadata send(Topic<String, V> topic, String key, V value) {
        return send(topic.name(), topic.keySerde().serializer().serialize(topic.name(), key),
                topic.valueSerde().serializer().serialize(topic.name(), value));
    }

    public RecordMetadata send(ProducerRecord<byte[], byte[]> record) {
        try {
            return producer.send(record).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + record.topic() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads {@code topic} from the beginning (committed records only, all partitions, no group) until {@code done}
     * holds for everything read so far; fails after {@code timeout} showing how much was read.
     */
    public List<ConsumerRecord<byte[], byte[]>> readUntil(String topic,
                                                          Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
                                                          Duration timeout) {
        Properties props = new KafkaConfig(config).consumer("unused", "test-reader");
        props.remove("group.id");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> all = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(15))
                    .forEach(p -> all.add(new TopicPartition(topic, p.partition())));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(read)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("after " + timeout + " read " + read.size() + " records from " + topic
                            + " and the condition still does not hold");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            }
            return read;
        }
    }

    /** {@link #readUntil(String, Predicate, Duration)} with keys and values decoded by the topic's serdes. */
    public <V> List<ConsumerRecord<String, V>> readUntil(Topic<String, V> topic,
                                                         Predicate<List<ConsumerRecord<String, V>>> done,
                                                         Duration timeout) {
        List<ConsumerRecord<String, V>> decoded = new ArrayList<>();
        readUntil(topic.name(), raw -> {
            for (int i = decoded.size(); i < raw.size(); i++) {
                decoded.add(decode(topic, raw.get(i)));
            }
            return done.test(decoded);
        }, timeout);
        return decoded;
    }

    /** Every committed record in {@code topic} now, read up to the partitions' current ends. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        Properties props = new KafkaConfig(config).consumer("unused", "test-reader");
        props.remove("group.id");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> all = new ArrayList<>();
            consumer.partitionsFor(topic, Duration.ofSeconds(15))
                    .forEach(p -> all.add(new TopicPartition(topic, p.partition())));
            consumer.assign(all);
            consumer.seekToBeginning(all);
            Map<TopicPartition, Long> ends = consumer.endOffsets(all);
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (all.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end in 30 s");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            }
            return read;
        }
    }

    /**
     * Moves {@code group}'s committed offsets on {@code topic} back to the beginning, as if it had crashed before
     * ever committing. The group must have no members.
     */
    public void resetGroupToBeginning(String group, String topic) {
        try {
            Map<TopicPartition, OffsetAndMetadata> start = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> start.put(new TopicPartition(topic, p.partition()), new OffsetAndMetadata(0)));
            admin.alterConsumerGroupOffsets(group, start).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot reset group " + group + ": " + e.getMessage(), e);
        }
    }

    /**
     * Commits {@code group}'s offsets on {@code topic} at its current end, so a service started in that group handles
     * only what is published from now on, not what earlier tests left on a shared topic.
     */
    public void startGroupAtEnd(String group, String topic) {
        startGroupsAtEnd(List.of(group), List.of(topic));
    }

    /** {@link #startGroupAtEnd} for several groups and topics at once (one offsets look-up for all). */
    public void startGroupsAtEnd(Collection<String> groups, Collection<String> topics) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).forEach((topic, description) ->
                    description.partitions().forEach(p ->
                            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
            Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
                    .forEach((partition, info) -> ends.put(partition, new OffsetAndMetadata(info.offset())));
            for (String group : groups) {
                admin.alterConsumerGroupOffsets(group, ends).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot start groups " + groups + " at the end of " + topics, e);
        }
    }

    public static String header(Headers headers, String name) {
        return DeadLetters.header(headers, name);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        synchronized (created) {
            if (!created.isEmpty()) {
                try {
                    admin.deleteTopics(created).all().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    System.err.println("could not delete test topics " + created + ": " + e.getMessage());
                }
                created.clear();
            }
        }
        admin.close(Duration.ofSeconds(5));
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    private static <V> ConsumerRecord<String, V> decode(Topic<String, V> topic, ConsumerRecord<byte[], byte[]> raw) {
        return new ConsumerRecord<>(raw.topic(), raw.partition(), raw.offset(), raw.timestamp(), raw.timestampType(),
                raw.serializedKeySize(), raw.serializedValueSize(),
                topic.keySerde().deserializer().deserialize(raw.topic(), raw.headers(), raw.key()),
                topic.valueSerde().deserializer().deserialize(raw.topic(), raw.headers(), raw.value()),
                raw.headers(), raw.leaderEpoch(), raw.deliveryCount());
    }

    private static String shortId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }
}
