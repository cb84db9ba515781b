package io.orderflow.benchmark;

import com.fasterxml.jackson.core.type.TypeReference;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.Topics;
import io.orderflow.loadtest.InvariantChecks;
import io.orderflow.schema.OrderState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The steps of scripts/benchmark.sh, one subcommand each; the script starts and stops the system between them.
 * Each scenario writes its figures as JSON into a work folder; {@code report} runs the invariant checks over every
 * order the run placed and writes the run's JSON and chart.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true,
        description = "Side-by-side benchmark steps (run them through scripts/benchmark.sh).",
        subcommands = {Benchmark.BaselineCommand.class, Benchmark.EngineCommand.class, Benchmark.FindRateCommand.class,
            Benchmark.ChoreographyCommand.class, Benchmark.SkipBacklogCommand.class, Benchmark.CheckCommand.class,
            Benchmark.ReportCommand.class,
            Benchmark.JfrTopCommand.class})
public final class Benchmark {
    static final Config CONFIG = Config.fromEnvironment();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmark()).execute(args));
    }

    static Admin admin() {
        return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, CONFIG.kafkaBootstrap()));
    }

    static void write(Path file, Object value) throws java.io.IOException {
        RunReport.JSON.writeValue(file.toFile(), value);
    }

    @Command(name = "baseline", description = "(a) the bare Kafka Streams exactly-once read-modify-write baseline")
    static final class BaselineCommand implements Callable<Integer> {
        @Option(names = "--run", required = true) String run;
        @Option(names = "--records", defaultValue = "2000000") int records;
        @Option(names = "--keys", defaultValue = "100000") int keys;
        @Option(names = "--latency-rate", defaultValue = "2000") int latencyRate;
        @Option(names = "--latency-seconds", defaultValue = "30") int latencySeconds;
        @Option(names = "--warmup-seconds", defaultValue = "5") int warmupSeconds;
        @Option(names = "--out", required = true) Path out;

        @Override
        public Integer call() throws Exception {
            write(out, new Baseline(CONFIG, run).measure(records, keys, latencyRate, latencySeconds, warmupSeconds));
            return 0;
        }
    }

    @Command(name = "engine", description = "(b) the engine alone: run against ORDERFLOW_ENGINE_MODE=direct, workers stopped")
    static final class EngineCommand implements Callable<Integer> {
        @Option(names = "--prefix", required = true) String prefix;
        @Option(names = "--orders", defaultValue = "20000") int orders;
        @Option(names = "--latency-rate", defaultValue = "2000", description = "Commands/s for the latency") int latencyRate;
        @Option(names = "--latency-seconds", defaultValue = "30") int latencySeconds;
        @Option(names = "--warmup-seconds", defaultValue = "5") int warmupSeconds;
        @Option(names = "--timeout", defaultValue = "PT5M") Duration timeout;
        @Option(names = "--out", required = true) Path out;

        @Override
        public Integer call() throws Exception {
            OrderRun.awaitReady(CONFIG, prefix + "ready-", OrderState.PENDING, Duration.ofMinutes(5));
            Scenario s = EngineAlone.measure(CONFIG, prefix, orders, latencyRate, latencySeconds, warmupSeconds, timeout);
            try (Admin admin = admin()) {
                SystemProbe probe = new SystemProbe(CONFIG, admin);
                s = new Scenario(s.name(), s.description(), s.transitions(), s.seconds(), s.transitionsPerS(), null,
                        null, s.latencyMs(), s.cpuSeconds(), s.cpuMsPerTransition(), null, probe.consumerLag(),
                        probe.backlog(), s.outcomes(), s.timeline());
            }
            write(out, s);
            return 0;
        }
    }

    @Command(name = "find-rate", description = "Step the offered rate up until the system stops keeping pace")
    static final class FindRateCommand implements Callable<Integer> {
        @Option(names = "--prefix", required = true) String prefix;
        @Option(names = "--start", defaultValue = "10", description = "First rate, orders/s") double start;
        @Option(names = "--factor", defaultValue = "2") double factor;
        @Option(names = "--refinements", defaultValue = "2") int refinements;
        @Option(names = "--max", defaultValue = "5000") double max;
        @Option(names = "--step-seconds", defaultValue = "30") int stepSeconds;
        @Option(names = "--drain", defaultValue = "PT60S") Duration drain;
        @Option(names = "--skus", defaultValue = "300") int skus;
        @Option(names = "--work", required = true) Path work;

        @Override
        public Integer call() throws Exception {
            OrderRun.awaitReady(CONFIG, prefix + "ready-", OrderState.DELIVERED, Duration.ofMinutes(5));
            RateSearch search = new RateSearch(start, factor, refinements, Math.min(start, 1), max);
            List<Choreography.Step> steps = new ArrayList<>();
            System.out.printf("==> finding the highest sustainable rate (%d s steps from %.1f orders/s)%n", stepSeconds, start);
            try (Admin admin = admin()) {
                Choreography choreography = new Choreography(CONFIG, new SystemProbe(CONFIG, admin), skus);
                for (OptionalDouble rate = search.next(); rate.isPresent(); rate = search.next()) {
                    String stepPrefix = prefix + "s" + steps.size() + "-";
                    Choreography.Step step = choreography.step(stepPrefix, rate.getAsDouble(), stepSeconds, drain);
                    steps.add(step);
                    search.record(step.rate(), step.sustained());
                }
            }
            System.out.printf("    highest sustained: %.1f orders/s%n", search.best());
            write(work.resolve("rate-search.json"), steps);
            Files.writeString(work.resolve("rate"), String.valueOf(search.best()));
            return search.best() > 0 ? 0 : 1;
        }
    }

    @Command(name = "choreography", description = "(c), (d) the whole choreography at a fixed offered rate")
    static final class ChoreographyCommand implements Callable<Integer> {
        @Option(names = "--name", required = true) String name;
        @Option(names = "--description", required = true) String description;
        @Option(names = "--prefix", required = true) String prefix;
        @Option(names = "--rate", required = true) double rate;
        @Option(names = "--seconds", defaultValue = "60") int seconds;
        @Option(names = "--drain", defaultValue = "PT2M") Duration drain;
        @Option(names = "--skus", defaultValue = "300") int skus;
        @Option(names = "--work", required = true) Path work;
        @Option(names = "--out", required = true) Path out;

        @Override
        public Integer call() throws Exception {
            try (Admin admin = admin()) {
                Scenario s = new Choreography(CONFIG, new SystemProbe(CONFIG, admin), skus).measure(name, description,
                        prefix, rate, seconds, drain);
                write(out, s);
            }
            return 0;
        }
    }

    @Command(name = "skip-backlog", description = "Move every stopped consumer group past what is on orders.events,"
            + " orders.command-results and the request topics now, so no service replays the engine-alone scenario's"
            + " orders")
    static final class SkipBacklogCommand implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            try (Admin admin = admin()) {
                for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(g.groupId()).partitionsToOffsetAndMetadata().get();
                    List<TopicPartition> skipped = committed.keySet().stream().filter(tp ->
                            tp.topic().equals(Topics.ORDER_EVENTS.name()) || tp.topic().equals(Topics.COMMAND_RESULTS.name())
                                    || tp.topic().endsWith(".requests")).toList();
                    if (skipped.isEmpty()) {
                        continue;
                    }
                    Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
                    admin.listOffsets(skipped.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                            .all().get().forEach((tp, info) -> ends.put(tp, new OffsetAndMetadata(info.offset())));
                    try {
                        admin.alterConsumerGroupOffsets(g.groupId(), ends).all().get();
                        System.out.printf("    %s: moved to the end of %s%n", g.groupId(),
                                skipped.stream().map(TopicPartition::topic).distinct().collect(Collectors.joining(", ")));
                    } catch (java.util.concurrent.ExecutionException e) {
                        System.out.printf("    %s: not moved (%s)%n", g.groupId(), e.getCause().getMessage());
                    }
                }
            }
            return 0;
        }
    }

    @Command(name = "check", description = "Invariant checks over every order the choreography scenarios placed")
    static final class CheckCommand implements Callable<Integer> {
        @Option(names = "--work", required = true) Path work;
        @Option(names = "--prefix", required = true, description = "Id prefix of every order the run placed") String prefix;
        @Option(names = "--since", required = true, description = "When the run started, epoch milliseconds") long since;
        @Option(names = "--settle", defaultValue = "PT2M") Duration settle;

        @Override
        public Integer call() throws Exception {
            List<String> lines;
            try (EventReplay replay = new EventReplay(CONFIG, prefix, since)) {
                int orders = replay.catchUp().size();
                System.out.printf("==> invariant checks over %,d orders (waiting up to %s for trailing mails, audit"
                        + " rows and compensations)%n", orders, settle);
                lines = orders == 0 ? List.of("no orders to check")
                        : InvariantChecks.await(CONFIG, prefix, replay::catchUp, settle).stream()
                                .map(InvariantChecks.Violation::line).toList();
            }
            write(work.resolve("checks.json"), lines);
            return lines.isEmpty() ? 0 : 1;
        }
    }

    @Command(name = "report", description = "The run's table, JSON and chart; fails if the checks did")
    static final class ReportCommand implements Callable<Integer> {
        @Option(names = "--work", required = true) Path work;
        @Option(names = "--commit", required = true) String commit;
        @Option(names = "--command", required = true) String command;
        @Option(names = "--out-dir", description = "Where the JSON and SVG go; none: print only") Path outDir;

        @Override
        public Integer call() throws Exception {
            List<Scenario> scenarios = new ArrayList<>();
            for (String name : List.of("baseline", "engine", "choreography-max", "choreography-half")) {
                Path file = work.resolve(name + ".json");
                if (Files.exists(file)) {
                    scenarios.add(RunReport.JSON.readValue(file.toFile(), Scenario.class));
                }
            }
            Path searchFile = work.resolve("rate-search.json");
            List<Choreography.Step> steps = Files.exists(searchFile)
                    ? RunReport.JSON.readValue(searchFile.toFile(), new TypeReference<List<Choreography.Step>>() { })
                    : List.of();
            Path rateFile = work.resolve("rate");
            Double rate = Files.exists(rateFile) ? Double.valueOf(Files.readString(rateFile).trim()) : null;

            Path checksFile = work.resolve("checks.json");
            List<String> lines = Files.exists(checksFile)
                    ? RunReport.JSON.readValue(checksFile.toFile(), new TypeReference<List<String>>() { })
                    : List.of("the invariant checks did not run");

            String stamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString().replace(":", "");
            String base = stamp + "-" + commit;
            RunReport report = new RunReport(commit, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), command,
                    machine(), rate, steps, RunReport.withRatios(scenarios), new RunReport.Checks(lines.isEmpty(), lines),
                    outDir == null ? null : base + ".svg");
            System.out.println();
            System.out.print(report.table());
            System.out.println();
            System.out.print(report.cpuTable());
            report.queuesAtEnd().forEach((name, q) -> System.out.printf("%s at the end: %s%n", name, q));
            if (outDir != null) {
                Files.createDirectories(outDir);
                write(outDir.resolve(base + ".json"), report);
                Files.writeString(outDir.resolve(base + ".svg"), SvgChart.render("Orderflow benchmark, " + commit
                        + ", " + report.date(), report.scenarios()));
                System.out.printf("%n==> figures: %s, chart: %s%n", outDir.resolve(base + ".json"), outDir.resolve(base + ".svg"));
            }
            if (lines.isEmpty()) {
                System.out.println("==> checks: all pass (stock, captures, labels, one audit row and one e-mail per"
                        + " state change)");
                return 0;
            }
            lines.forEach(l -> System.out.println("==> check FAILED: " + l));
            return 1;
        }

        private static RunReport.Machine machine() {
            long memoryMb = 0;
            try (Stream<String> meminfo = Files.lines(Path.of("/proc/meminfo"))) {
                memoryMb = meminfo.filter(l -> l.startsWith("MemTotal:")).findFirst()
                        .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024).orElse(0L);
            } catch (java.io.IOException e) {
                // not Linux: leave it 0
            }
            return new RunReport.Machine(Runtime.getRuntime().availableProcessors(), memoryMb,
                    System.getProperty("java.vendor") + " " + System.getProperty("java.version"),
                    System.getProperty("os.name") + " " + System.getProperty("os.version"));
        }
    }

    @Command(name = "jfr-top", description = "The hottest frames of Java Flight Recorder recordings")
    static final class JfrTopCommand implements Callable<Integer> {
        @Option(names = "--limit", defaultValue = "15") int limit;
        @Parameters(paramLabel = "RECORDING") List<Path> recordings;

        @Override
        public Integer call() throws Exception {
            for (Path r : recordings) {
                System.out.println(JfrTop.format(r.getFileName().toString(), JfrTop.count(r), limit));
            }
            return 0;
        }
    }
}
