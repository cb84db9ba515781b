package io.orderflow.common.kafka;

import io.orderflow.common.config.Config;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Kafka client settings every service uses: one place for durability, batching and exactly-once choices, and for who
 * the client is. Each client has a principal ({@value #PRINCIPAL}: a hosted service's own name, else {@code cli});
 * with {@value #CREDENTIALS} set (the secured profile) it authenticates as that principal with SASL/SCRAM-SHA-512,
 * its password read from that file's line {@code <principal>=<password>}.
 */
public final class KafkaConfig {
    public static final String PRINCIPAL = "ORDERFLOW_KAFKA_PRINCIPAL";
    public static final String CREDENTIALS = "ORDERFLOW_KAFKA_CREDENTIALS";
    /** SASL_PLAINTEXT locally; SASL_SSL (with ssl.* settings) wherever the network is not the machine itself. */
    public static final String SECURITY_PROTOCOL = "ORDERFLOW_KAFKA_SECURITY_PROTOCOL";
    /**
     * A group member's heartbeat thread wakes once per {@code retry.backoff.ms} (100 ms by default) even when no
     * heartbeat is due: ten wake-ups a second per member, the largest share of an idle host. Heartbeats still go every
     * 3 s; only retries after an error (coordinator lookup, an offset fetch a pending transaction holds up) wait
     * longer before their first attempt, which a rebalance taking seconds anyway hardly notices.
     */
    private static final int IDLE_RETRY_BACKOFF_MS = 1000;
    private final Config config;

    public KafkaConfig(Config config) {
        this.config = config;
    }

    /** Idempotent, fully acknowledged producer that batches for a few milliseconds. Raw bytes; serdes are per topic. */
    public Properties producer(String clientId) {
        Properties p = common(clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, config.getInt("ORDERFLOW_PRODUCER_LINGER_MS", 5));
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, Principals.Stamp.class.getName());
        p.put(Principals.Stamp.CONFIG, principal());
        return p;
    }

    /** Consumer in a group, committing offsets itself, reading only committed transactional data. */
    public Properties consumer(String groupId, String clientId) {
        Properties p = common(clientId);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.getInt("ORDERFLOW_CONSUMER_MAX_POLL_RECORDS", 500));
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs());
        p.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, fetchMinBytes());
        p.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, IDLE_RETRY_BACKOFF_MS);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    /** Exactly-once Streams app whose poison records go to dead-letter topics. */
    public Properties streams(String applicationId) {
        Properties p = common(applicationId);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        int commitIntervalMs = streamsCommitIntervalMs();
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitIntervalMs);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamsThreads());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.get("ORDERFLOW_STATE_DIR",
                System.getProperty("java.io.tmpdir") + "/orderflow-streams"));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.getInt("ORDERFLOW_REPLICATION_FACTOR", 1));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), fetchMaxWaitMs());
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MIN_BYTES_CONFIG), fetchMinBytes());
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG), IDLE_RETRY_BACKOFF_MS);
        // Process whatever is fetched: waiting to order records across input partitions by timestamp buys nothing here
        // (commands and outcomes come from independent writers) and costs a check of every partition per record.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // Under exactly-once no output is visible before the commit, which flushes the producer: lingering until then
        // sends one batch per partition per commit instead of one every few milliseconds.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                config.getInt("ORDERFLOW_STREAMS_LINGER_MS", commitIntervalMs));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 64 * 1024);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), compression());
        return p;
    }

    /**
     * {@code ORDERFLOW_STREAMS_COMMIT_INTERVAL_MS} (100): how often an exactly-once Streams app commits, which is also
     * when its output becomes visible. Each commit is a Kafka transaction (markers on every partition written, offsets,
     * changelog flushes): at 20 ms the engine committed five times as often for the same records, and those
     * transactions were the broker's largest cost under load; 100 ms adds ~50 ms to an engine hop on average.
     */
    public int streamsCommitIntervalMs() {
        return config.getInt("ORDERFLOW_STREAMS_COMMIT_INTERVAL_MS", 100);
    }

    /**
     * {@code ORDERFLOW_STREAMS_THREADS} (2): stream threads per Streams app. One thread did the same work with fewer
     * transactions in two benchmark runs (docs/benchmarks.md), but the engine's integration test once saw no state
     * count published within 30 s with one thread; two stay the default until that is understood.
     */
    public int streamsThreads() {
        return config.getInt("ORDERFLOW_STREAMS_THREADS", 2);
    }

    /**
     * How long the broker holds a fetch that finds nothing new. Data is returned the moment it arrives whatever this
     * says, so a longer wait costs no latency; it only spares an idle system a round of empty fetches per consumer
     * every 500 ms (Kafka's default). Not longer: a consumer has one fetch in flight per broker, so after a rebalance
     * it may wait this long before it fetches its new partitions (10 s saved ~0.4 % of a core at rest; not worth it).
     */
    private int fetchMaxWaitMs() {
        return config.getInt("ORDERFLOW_CONSUMER_FETCH_MAX_WAIT_MS", 3000);
    }

    /**
     * {@code ORDERFLOW_CONSUMER_FETCH_MIN_BYTES} (1): a fetch returns as soon as anything arrives. More (with a shorter
     * wait) gathers bigger fetches near capacity but makes every idle consumer ask once per wait; docs/benchmarks.md.
     */
    private int fetchMinBytes() {
        return config.getInt("ORDERFLOW_CONSUMER_FETCH_MIN_BYTES", 1);
    }

    /**
     * {@code ORDERFLOW_KAFKA_COMPRESSION} (none): with the broker on the same machine, compressing only spends CPU in the
     * producer, the broker (which decompresses to validate) and every consumer; lz4 pays off across a real network.
     */
    private String compression() {
        return config.get("ORDERFLOW_KAFKA_COMPRESSION", "none");
    }

    /** An admin client's settings: where the broker is, and who this client is. */
    public Properties admin(String clientId) {
        return common(clientId);
    }

    /** The principal this client is (and, secured, authenticates as). */
    public String principal() {
        return config.get(PRINCIPAL, Principals.DEFAULT);
    }

    private Properties common(String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.find(CREDENTIALS).ifPresent(file -> {
            p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, config.get(SECURITY_PROTOCOL, "SASL_PLAINTEXT"));
            p.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-512");
            p.put(SaslConfigs.SASL_JAAS_CONFIG, ScramLoginModule.class.getName() + " required username=\""
                    + principal() + "\" password=\"" + password(Path.of(file), principal()) + "\";");
        });
        return p;
    }

    private static String password(Path file, String principal) {
        Properties passwords = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            passwords.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the Kafka credentials in " + file + " (" + CREDENTIALS + ")", e);
        }
        String password = passwords.getProperty(principal);
        if (password == null || password.isBlank()) {
            throw new IllegalStateException("no password for Kafka principal '" + principal + "' in " + file);
        }
        return password;
    }
}
