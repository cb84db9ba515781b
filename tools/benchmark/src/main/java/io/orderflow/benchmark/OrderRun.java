package io.orderflow.benchmark;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.CommandResult;
import io.orderflow.schema.CommandStatus;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Sends commands for orders whose ids start with one prefix and follows them on {@code orders.events} and
 * {@code orders.command-results}: each order's state and state changes, and the latency of every hop. A state
 * change answering a command sent here is an engine hop (command → event); one that follows the previous state
 * change by itself is a step through a worker (confirm, pay, ship) or the carrier's delivery report.
 */
final class OrderRun implements AutoCloseable {
    /** What was seen of one order. */
    static final class Track {
        long lastChangeNanos;
        OrderState state;
        int transitions;
        boolean rejected;
        String problem;
    }

    private final String idPrefix;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> events;
    private final KafkaConsumer<byte[], byte[]> results;
    private final long startNanos = System.nanoTime();
    private final Map<String, Track> tracks = new LinkedHashMap<>();
    private final Map<String, Long> sentNanos = new HashMap<>();
    private final Map<String, Latencies> latencies = new TreeMap<>();
    private final Map<String, Long> outcomes = new TreeMap<>();
    private final Timeline timeline = new Timeline(startNanos);
    private long firstSendNanos;
    private long lastEventNanos;
    private long transitions;

    OrderRun(Config config, String idPrefix) {
        this.idPrefix = idPrefix;
        KafkaConfig kafka = new KafkaConfig(config);
        producer = new KafkaProducer<>(kafka.producer("bench-" + idPrefix));
        events = atEnd(kafka, idPrefix + "events", Topics.ORDER_EVENTS.name());
        results = atEnd(kafka, idPrefix + "results", Topics.COMMAND_RESULTS.name());
    }

    long startNanos() {
        return startNanos;
    }

    void send(OrderCommand command) {
        long now = System.nanoTime();
        if (firstSendNanos == 0) {
            firstSendNanos = now;
        }
        if (command.getTransition() == Transition.PLACE) {
            tracks.put(command.getOrderId(), new Track());
            increment("placed");
        }
        sentNanos.put(command.getOrderId() + "|" + command.getTransition(), now);
        producer.send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(),
                command.getOrderId().getBytes(StandardCharsets.UTF_8),
                Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, command)));
    }

    void flush() {
        producer.flush();
    }

    /** Reads what arrived within {@code timeout}; true if anything of ours did. */
    boolean poll(Duration timeout) {
        boolean any = false;
        for (ConsumerRecord<byte[], byte[]> r : events.poll(timeout)) {
            any |= onEvent(Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        }
        for (ConsumerRecord<byte[], byte[]> r : results.poll(Duration.ZERO)) {
            any |= onResult(Topics.COMMAND_RESULTS.valueSerde().deserializer().deserialize(r.topic(), r.value()));
        }
        return any;
    }

    /** Polls until every order is done, or nothing of ours has arrived for {@code quiet}, or {@code timeout}. */
    void drain(Predicate<Track> done, Duration quiet, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastNews = System.nanoTime();
        while (System.nanoTime() < deadline && System.nanoTime() - lastNews < quiet.toNanos()
                && !tracks.values().stream().allMatch(done)) {
            if (poll(Duration.ofMillis(100))) {
                lastNews = System.nanoTime();
            }
        }
    }

    /**
     * Sends one place command and waits until its order reaches {@code until}: a system that scripts/up.sh has just
     * started may still be joining its groups, and a scenario must not count that time.
     */
    static void awaitReady(Config config, String idPrefix, OrderState until, Duration timeout) {
        try (OrderRun run = new OrderRun(config, idPrefix)) {
            System.out.printf("    waiting for the system to take one order to %s%n", until.name().toLowerCase());
            run.send(io.orderflow.loadtest.Orders.place(idPrefix + "0", 300, new java.util.Random()));
            run.flush();
            run.drain(t -> t.state == until || t.rejected, timeout, timeout);
            if (run.count(t -> t.state == until) == 0) {
                throw new IllegalStateException("the system did not take an order to " + until + " within " + timeout);
            }
        }
    }

    long count(Predicate<Track> which) {
        return tracks.values().stream().filter(which).count();
    }

    private boolean onEvent(OrderEvent e) {
        Track t = tracks.get(e.getOrderId());
        if (t == null) {
            return false;
        }
        long now = System.nanoTime();
        lastEventNanos = now;
        if (e.getBody() instanceof StateChanged c) {
            Long sent = sentNanos.remove(e.getOrderId() + "|" + c.getTransition());
            if (sent != null) {
                hop("engine", now, now - sent);
                timeline.engineHop(now, now - sent);
            } else {
                String kind = switch (c.getTransition()) {
                    case CONFIRM, PAY, SHIP -> "worker";
                    case DELIVER -> "carrier_delivery";
                    default -> "other";
                };
                hop(kind, now, now - t.lastChangeNanos);
                hop("step_" + c.getTransition().name().toLowerCase(), now, now - t.lastChangeNanos);
                if (kind.equals("worker")) {
                    timeline.workerHop(now, now - t.lastChangeNanos);
                }
            }
            t.lastChangeNanos = now;
            t.transitions++;
            t.state = c.getToState();
            transitions++;
            timeline.transition(now);
            if (t.state == OrderState.DELIVERED) {
                increment("delivered");
            }
        } else if (e.getBody() instanceof TransitionUpdate u) {
            increment(u.getStatus().name().toLowerCase());
            if (t.problem == null) {
                t.problem = u.getStatus() + ": " + u.getReason();
            }
        }
        return true;
    }

    private boolean onResult(CommandResult r) {
        Track t = tracks.get(r.getOrderId());
        if (t == null || r.getStatus() != CommandStatus.REJECTED) {
            return t != null;
        }
        increment("rejected " + r.getTransition().name().toLowerCase() + " (" + r.getRejectionCode() + ")");
        if (r.getTransition() == Transition.PLACE) {
            t.rejected = true;
            t.problem = "place rejected: " + r.getRejectionCode();
        }
        return true;
    }

    private void hop(String kind, long now, long nanos) {
        latencies.computeIfAbsent(kind, k -> new Latencies()).recordNanos(nanos);
    }

    private void increment(String outcome) {
        outcomes.merge(outcome, 1L, Long::sum);
    }

    long transitions() {
        return transitions;
    }

    Timeline timeline() {
        return timeline;
    }

    Map<String, Long> outcomes() {
        return outcomes;
    }

    /** From the first command sent to the last event seen. */
    double seconds() {
        return firstSendNanos == 0 || lastEventNanos < firstSendNanos ? 0 : (lastEventNanos - firstSendNanos) / 1e9;
    }

    Map<String, Latencies.Summary> latencySummaries() {
        Map<String, Latencies.Summary> summaries = new LinkedHashMap<>();
        latencies.forEach((kind, l) -> summaries.put(kind, l.summary()));
        return summaries;
    }

    /** Why each order that is not {@code done} is not, for {@link io.orderflow.loadtest.NotDone}. */
    Map<String, String> notDone(Predicate<Track> done) {
        Map<String, String> reasons = new LinkedHashMap<>();
        tracks.forEach((id, t) -> {
            if (!done.test(t)) {
                reasons.put(id, io.orderflow.loadtest.NotDone.reason(t.state, t.problem));
            }
        });
        return reasons;
    }

    String idPrefix() {
        return idPrefix;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
        events.close();
        results.close();
    }

    private static KafkaConsumer<byte[], byte[]> atEnd(KafkaConfig kafka, String clientId, String topic) {
        var props = kafka.consumer("unused", clientId);
        props.remove("group.id");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
