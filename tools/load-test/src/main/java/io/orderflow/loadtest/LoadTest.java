package io.orderflow.loadtest;

import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.Actor;
import io.orderflow.schema.Money;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.OrderDetails;
import io.orderflow.schema.OrderEvent;
import io.orderflow.schema.OrderLine;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Role;
import io.orderflow.schema.StateChanged;
import io.orderflow.schema.Transition;
import io.orderflow.schema.TransitionUpdate;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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

    @Option(names = "--until", defaultValue = "DELIVERED", description = "State that counts as done (e.g. PAID)")
    OrderState until;

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
                            Topics.ORDER_COMMANDS.valueSerde().serializer().serialize(null, place(orderId, random))));
                    placed++;
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
        Map<String, Integer> problems = new HashMap<>();
        tracks.values().stream().filter(t -> t.state != until).forEach(t -> problems.merge(
                (t.state == null ? "no event" : t.state.name().toLowerCase()) + (t.problem == null ? "" : " / " + t.problem),
                1, Integer::sum));
        problems.forEach((what, n) -> System.out.printf("    not done: %d x %s%n", n, what));
    }

    /** docs/design.md invariants 1 and 2 after the run, read from the workers' own tables. */
    private boolean checkInvariants(String run, Map<String, Track> tracks) {
        long delivered = tracks.values().stream().filter(t -> t.state == OrderState.DELIVERED).count();
        try (java.sql.Connection db = java.sql.DriverManager.getConnection(config.dbUrl(), config.dbUser(),
                config.dbPassword())) {
            long discrepancies = count(db, "select count(*) from inventory.stock_discrepancies");
            long negative = count(db, "select count(*) from inventory.stock where reserved < 0 or on_hand - reserved < 0");
            long wrongCaptures = count(db, """
                    select count(*) from (select order_id from payment.payments
                                          where kind = 'CAPTURE' and status = 'SUCCEEDED' and undone_by is null
                                            and order_id like ? group by order_id having count(*) <> 1) x""",
                    run + "-%");
            long captured = count(db, """
                    select count(distinct order_id) from payment.payments
                    where kind = 'CAPTURE' and status = 'SUCCEEDED' and undone_by is null and order_id like ?""",
                    run + "-%");
            System.out.printf("==> checks: %d SKUs whose reserved differs from their active reservations, %d with"
                    + " negative stock, %d orders with other than one live capture, %d captured for %d delivered%n",
                    discrepancies, negative, wrongCaptures, captured, delivered);
            return discrepancies == 0 && negative == 0 && wrongCaptures == 0 && captured >= delivered;
        } catch (java.sql.SQLException e) {
            System.out.println("==> checks skipped: cannot read the workers' tables (" + e.getMessage() + ")");
            return false;
        }
    }

    private static long count(java.sql.Connection db, String sql, String... args) throws java.sql.SQLException {
        try (var statement = db.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                statement.setString(i + 1, args[i]);
            }
            try (var rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
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

    private OrderCommand place(String orderId, Random random) {
        int lineCount = 1 + random.nextInt(3);
        List<OrderLine> lines = new ArrayList<>();
        for (int i = 0; i < lineCount; i++) {
            lines.add(new OrderLine("SKU-" + (1 + random.nextInt(skus)), 1 + random.nextInt(2),
                    new Money(500L + random.nextInt(5_000), "EUR")));
        }
        String customer = "load-customer-" + random.nextInt(1_000);
        return OrderCommand.newBuilder()
                .setCommandId(orderId + "-place").setOrderId(orderId).setTransition(Transition.PLACE)
                .setActor(new Actor(customer, Role.CUSTOMER)).setCorrelationId(orderId).setIssuedAt(Instant.now())
                .setDetails(new OrderDetails(customer, customer + "@example.com", lines, "pm_card_ok", "Load Tester, 1 Test Street, 10115 Berlin, DE"))
                .build();
    }

    private static java.util.Properties withoutGroup(java.util.Properties props) {
        props.remove("group.id");
        return props;
    }
}
