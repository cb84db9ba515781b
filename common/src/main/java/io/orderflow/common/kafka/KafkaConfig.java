package io.orderflow.common.kafka;

import io.orderflow.common.config.Config;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;

/** Kafka client settings every service uses: one place for durability, batching and exactly-once choices. */
public final class KafkaConfig {
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
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
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
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return p;
    }

    /** Exactly-once Streams app whose poison records go to dead-letter topics. */
    public Properties streams(String applicationId) {
        Properties p = common(applicationId);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.getInt("ORDERFLOW_STREAMS_COMMIT_INTERVAL_MS", 20));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.getInt("ORDERFLOW_STREAMS_THREADS", 2));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.get("ORDERFLOW_STATE_DIR",
                System.getProperty("java.io.tmpdir") + "/orderflow-streams"));
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.getInt("ORDERFLOW_REPLICATION_FACTOR", 1));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandler.class);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), fetchMaxWaitMs());
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), config.getInt("ORDERFLOW_PRODUCER_LINGER_MS", 5));
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return p;
    }

    /**
     * How long the broker holds a fetch that finds nothing new. Data is returned the moment it arrives whatever this
     * says, so a longer wait costs no latency; it only spares an idle system a round of empty fetches per consumer
     * every 500 ms (Kafka's default).
     */
    private int fetchMaxWaitMs() {
        return config.getInt("ORDERFLOW_CONSUMER_FETCH_MAX_WAIT_MS", 3000);
    }

    private Properties common(String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrap());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return p;
    }
}
