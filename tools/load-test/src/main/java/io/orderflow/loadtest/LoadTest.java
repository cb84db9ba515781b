package io.orderflow.loadtest;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.TransitionUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Places N orders over a few hundred SKUs, lets the automatic path take them to delivered, and prints orders/s,
 * transitions/s and latency percentiles, measured from the events on orders.events.
 */
@Command(name = "load-test", mixinStandardHelpOptions = true,
        description = "Place orders and measure the whole choreography end to end.")
public final class LoadTest implements Callable<Integer> {
    @Option(names = "--orders", defaultValue = "10000", description = "Orders to place (default ${DEFAULT-VALUE})")
    int orders;

    @Option(names = "--skus", defaultValue = "300", description = "SKUs to spread them over (SKU-1..SKU-n)")
    int skus;

    @Option(names = "--rate", defaultValue = "0", description = "Orders per second to place; 0 = as fast as possible")
    int rate;

    @Option(names = "--timeout", defaultValue = "PT15M", description = "Give up waiting after this (ISO-8601)")
    Duration timeout;

    @Option(names = "--stall", defaultValue = "PT45S",
            description = "Stop waiting when no order moved for this long after the last was placed (ISO-8601)")
    Duration stall;

    @Option(names = "--until", defaultValue = "DELIVERED", description = "State that counts as done (e.g. PAID)")
    OrderState until;

    @Option(names = "--settle", defaultValue = "PT2M",
            description = "How long the checks wait for trailing mails, audit rows and compensations (ISO-8601)")
    Duration settle;

    private final Config config = Config.fromEnvironment();

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadTest()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /** What was seen of one order. */
    private static final class Track {
        long placedAtNanos;
        long lastChangeNanos;
        long firstEventNanos;
        int transitions;
        OrderState state;
        String problem;
    }

    @Override
    public Integer call() throws Exception {
        String run = "load-" + UUID.randomUUID().toString().substring(0, 6);
        KafkaConfig kafka = new KafkaConfig(config);
        Map<String, Track> tracks = new HashMap<>();
        List<Long> placeToEventMicros = new ArrayList<>();
        List<Long> stepMicros = new ArrayList<>();
        Random random = new Random(42);

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(withoutGroup(kafka.consumer("x", run)));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producer(run))) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.ORDER_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            System.out.printf("==> %s: placing %d orders over %d SKUs%s; done when %s%n", run, orders, skus,
                    rate > 0 ? " at " + rate + "/s" : "", until.name().toLowerCase());
            long start = System.nanoTime();
            int placed = 0;
            int done = 0;
            long deadline = start + timeout.toNanos();
            long lastReport = start;
            long lastNews = start;
            boolean stalled = false;
            while (done < orders && System.nanoTime() < deadline) {
                // Place as many as the rate allows now, then read what came back.
                long allowed = rate > 0 ? Math.min(orders, (System.nanoTime() - start) * rate / 1_000_000_000L + 1) : orders;
                while (placed < allowed && placed - done < 20_000) {
                    String orderId = run + "-" + placed;
                    Track t = new Track();
                    t.placedAtNanos = System.nanoTime();
                    tracks.put(orderId, t);
                    producer.send(new ProducerRecord<>(Topics.ORDER_COMMANDS.name(),
                            orderId.getBytes(StandardCharsets.UTF_8),
                            Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, Orders.place(orderId, skus, random))));
                    placed++;
                    lastNews = t.placedAtNanos;
                    if (rate > 0 && placed >= allowed) {
                        break;
                    }
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
                    OrderEvent e = Topics.ORDER_EVENTS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    Track t = tracks.get(e.getOrderId());
                    if (t == null) {
                        continue;
                    }
                    long now = System.nanoTime();
                    lastNews = now;
                    if (e.getBody() instanceof StateChanged c) {
                        if (t.firstEventNanos == 0) {
                            t.firstEventNanos = now;
                            placeToEventMicros.add((now - t.placedAtNanos) / 1_000);
                        } else {
                            stepMicros.add((now - t.lastChangeNanos) / 1_000);
                        }
                        t.lastChangeNanos = now;
                        t.transitions++;
                        t.state = c.getToState();
                        if (t.state == until) {
                            done++;
                        }
                    } else if (e.getBody() instanceof TransitionUpdate u && t.problem == null) {
                        t.problem = u.getStatus() + ": " + u.getReason();
                    }
                }
                if (System.nanoTime() - lastReport > 5_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.out.printf("    %5.0fs placed %d, %s %d%n", (lastReport - start) / 1e9, placed,
                            until.name().toLowerCase(), done);
                }
                if (placed == orders && System.nanoTime() - lastNews > stall.toNanos()) {
                    stalled = true;
                    break;
                }
            }
            if (stalled) {
                System.out.printf("==> nothing moved for %d s: giving up the wait (--stall)%n", stall.toSeconds());
            }
            producer.flush();
            report(tracks, placeToEventMicros, stepMicros, start, done);
            boolean consistent = checkInvariants(run, tracks);
            return done == orders && consistent ? 0 : 1;
        }
    }

    private void report(Map<String, Track> tracks, List<Long> placeToEvent, List<Long> steps, long start, int done) {
        long end = tracks.values().stream().mapToLong(t -> t.lastChangeNanos).max().orElse(System.nanoTime());
        double seconds = (end - start) / 1e9;
        long transitions = tracks.values().stream().mapToLong(t -> t.transitions).sum();
        System.out.printf("==> %d of %d orders %s in %.1f s%n", done, orders, until.name().toLowerCase(), seconds);
        System.out.printf("    throughput: %.0f orders/s, %.0f transitions/s (%d state changes)%n",
                done / seconds, transitions / seconds, transitions);
        System.out.printf("    place command -> first event (ms): %s%n", percentiles(placeToEvent));
        System.out.printf("    one transition -> the next, through a worker (ms): %s%n", percentiles(steps));
        Map<String, String> notDone = new LinkedHashMap<>();
        tracks.forEach((id, t) -> {
            if (t.state != until) {
                notDone.put(id, NotDone.reason(t.state, t.problem));
            }
        });
        NotDone.lines(notDone).forEach(line -> System.out.println("    " + line));
    }

    /** docs/design.md's invariants over this run's orders, from the workers' own tables. */
    private boolean checkInvariants(String run, Map<String, Track> tracks) throws InterruptedException {
        Map<String, InvariantChecks.Observed> observed = new HashMap<>();
        tracks.forEach((id, t) -> observed.put(id, new InvariantChecks.Observed(t.state, t.transitions)));
        List<InvariantChecks.Violation> violations = InvariantChecks.await(config, run + "-", observed, settle);
        if (violations.isEmpty()) {
            System.out.printf("==> checks: all pass for %d orders (stock, captures, labels, one audit row and one"
                    + " e-mail per state change)%n", tracks.size());
        }
        violations.forEach(v -> System.out.println("==> check FAILED: " + v.line()));
        return violations.isEmpty();
    }

    private static String percentiles(List<Long> micros) {
        if (micros.isEmpty()) {
            return "none";
        }
        List<Long> sorted = new ArrayList<>(micros);
        sorted.sort(Long::compare);
        return String.format("p50 %.0f, p95 %.0f, p99 %.0f, max %.0f (n=%d)", at(sorted, 0.50), at(sorted, 0.95),
                at(sorted, 0.99), sorted.get(sorted.size() - 1) / 1e3, sorted.size());
    }

    private static double at(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1)) / 1e3;
    }

    private static java.util.Properties withoutGroup(java.util.Properties props) {
        props.remove("group.id");
        return props;
    }
}
