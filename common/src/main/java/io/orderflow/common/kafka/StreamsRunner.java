package io.orderflow.common.kafka;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.app.Readiness;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a Kafka Streams app with the handlers every app needs, and closes it so it leaves its group at once. */
public final class StreamsRunner implements AutoCloseable, Readiness {
    private static final Logger log = LoggerFactory.getLogger(StreamsRunner.class);
    private final KafkaStreams streams;
    private final List<Runnable> onClose = new CopyOnWriteArrayList<>();

    private StreamsRunner(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Runs {@code action} once the app is closed, e.g. to remove meters that read its stores. */
    public void onClose(Runnable action) {
        onClose.add(action);
    }

    /** Starts the app and waits until it is RUNNING (or fails), so callers know it is ready. */
    public static StreamsRunner start(Topology topology, Properties props, Duration readyTimeout) throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(topology, props);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            log.info("streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        // A thread that dies on an unexpected error is replaced: exactly-once means its task restarts from the last commit.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        Gauge lag = ConsumerLag.register(Metrics.globalRegistry,
                props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG), () -> ConsumerLag.sum(streams.metrics()));
        streams.start();
        if (!running.await(readyTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            log.warn("streams not RUNNING after {}; state {}", readyTimeout, streams.state());
        }
        StreamsRunner runner = new StreamsRunner(streams);
        runner.onClose(() -> Metrics.globalRegistry.remove(lag));
        return runner;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Ready while running or rebalancing; a stopped, failed or not yet started app is not. */
    @Override
    public Optional<String> unready() {
        KafkaStreams.State state = streams.state();
        return state.isRunningOrRebalancing() ? Optional.empty() : Optional.of("streams " + state);
    }

    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        onClose.forEach(Runnable::run);
    }
}
