package io.orderflow.cli;

import io.orderflow.common.config.Config;
import io.orderflow.common.consumer.Parking;
import io.orderflow.common.dlt.DeadLetter;
import io.orderflow.common.dlt.DeadLetterTopics;
import io.orderflow.common.dlt.Replayer;
import io.orderflow.common.dlt.Selection;
import io.orderflow.common.dlt.ValueDecoder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code orderflow dlt list|show|replay|parked}: the dead-letter topics, their records, replays and parked orders. */
@Command(name = "dlt", mixinStandardHelpOptions = true,
        description = "Inspect and replay dead-letter topics (<topic>.dlt) and see the orders parked behind them.",
        subcommands = {DltCommand.ListTopics.class, DltCommand.Show.class, DltCommand.Replay.class,
                DltCommand.Parked.class})
final class DltCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "which? dlt list, dlt show, dlt replay or dlt parked");
    }

    /** {@code dlt list}: every dead-letter topic with its record count, oldest and newest record. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every dead-letter topic: records, how many are not replayed yet, oldest and newest.")
    static final class ListTopics implements Callable<Integer> {
        private final Config config;

        @Mixin
        TimeoutOption waiting;

        ListTopics(OrderClient client) {
            this.config = client.config();
        }

        @Override
        public Integer call() {
            try (DeadLetterTopics topics = new DeadLetterTopics(config, waiting.timeout);
                 Replayer replayer = new Replayer(config, waiting.timeout)) {
                Map<String, String> replayed = replayer.replayed();
                System.out.printf("%-32s %8s %9s  %-24s  %-24s%n", "topic", "records", "waiting", "oldest", "newest");
                for (String name : topics.names()) {
                    List<DeadLetter> letters = topics.read(name);
                    long waitingForReplay = letters.stream().filter(l -> !replayed.containsKey(l.id())).count();
                    System.out.printf("%-32s %8d %9d  %-24s  %-24s%n", name, letters.size(), waitingForReplay,
                            letters.stream().map(DeadLetter::timestamp).min(Instant::compareTo).map(Instant::toString)
                                    .orElse("-"),
                            letters.stream().map(DeadLetter::timestamp).max(Instant::compareTo).map(Instant::toString)
                                    .orElse("-"));
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dlt show TOPIC|ID [filters]}: the dead letters decoded. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Show dead letters decoded: key, value as JSON (hex when undecodable), error, source, "
                    + "first failure, attempts, and whether they were replayed.")
    static final class Show implements Callable<Integer> {
        private final Config config;

        @Mixin
        DltSelection selected;

        @Option(names = "--stack-trace", description = "Print each error's stack trace too")
        boolean stackTrace;

        @Mixin
        TimeoutOption waiting;

        Show(OrderClient client) {
            this.config = client.config();
        }

        @Override
        public Integer call() {
            Selection selection = selected.selection();
            try (DeadLetterTopics topics = new DeadLetterTopics(config, waiting.timeout);
                 Replayer replayer = new Replayer(config, waiting.timeout)) {
                Map<String, String> replayed = replayer.replayed();
                List<DeadLetter> letters = topics.read(selected.topic()).stream().filter(selection).toList();
                if (letters.isEmpty()) {
                    System.err.println("no dead letters in " + selected.topic() + " match");
                    return ExitCodes.NOT_FOUND;
                }
                for (DeadLetter letter : letters) {
                    System.out.println(letter.id());
                    System.out.println("  key:          " + letter.orderId());
                    System.out.println("  error:        " + letter.error() + " (" + letter.errorClass() + ")");
                    System.out.println("  source:       " + letter.sourceTopic() + " partition "
                            + letter.sourcePartition() + " offset " + letter.sourceOffset());
                    System.out.println("  failed by:    " + letter.failedBy());
                    System.out.println("  first failed: " + letter.firstFailed() + " (origin " + letter.origin() + ")");
                    System.out.println("  attempts:     " + letter.attempts());
                    System.out.println("  replayed:     " + replayed.getOrDefault(letter.id(), "no"));
                    System.out.println("  value:        " + ValueDecoder.show(letter.value()));
                    if (stackTrace && letter.stackTrace() != null) {
                        System.out.println("  " + letter.stackTrace().replace("\n", "\n  "));
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dlt replay TOPIC|ID [filters] [--all] [--dry-run]}: back to the source topic, each at most once. */
    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Replay dead letters to their source topic: one (its id, or --partition/--offset), an offset "
                    + "range (--partition --from --to), one order's (--order), those matching an error (--error), or "
                    + "--all. Each is replayed at most once (the replay log orderflow.dlt-replays); one that fails "
                    + "again returns to the dead-letter topic with one more attempt. Replaying an order's dead letter "
                    + "releases the records parked behind it, in order.")
    static final class Replay implements Callable<Integer> {
        private final Config config;

        @Mixin
        DltSelection selected;

        @Option(names = "--all", description = "Every dead letter of the topic (needed when nothing narrows it)")
        boolean all;

        @Option(names = "--dry-run", description = "Only print what would be replayed")
        boolean dryRun;

        @Option(names = "--as", paramLabel = "NAME", defaultValue = "${env:USER:-operator}",
                description = "Who replays, for the replay log (default: $USER)")
        String by;

        @Mixin
        TimeoutOption waiting;

        Replay(OrderClient client) {
            this.config = client.config();
        }

        @Override
        public Integer call() {
            Selection selection = selected.selection();
            if (selection.isAll() && !selected.target.contains("/") && !all) {
                throw new ParameterException(selected.spec.commandLine(), "this replays every dead letter of "
                        + selected.topic() + "; say --all, or narrow it (--order, --error, --partition/--offset, ...)");
            }
            try (DeadLetterTopics topics = new DeadLetterTopics(config, waiting.timeout);
                 Replayer replayer = new Replayer(config, waiting.timeout)) {
                List<DeadLetter> letters = topics.read(selected.topic()).stream().filter(selection).toList();
                if (letters.isEmpty()) {
                    System.err.println("no dead letters in " + selected.topic() + " match");
                    return ExitCodes.NOT_FOUND;
                }
                for (Replayer.Result result : replayer.replay(letters, dryRun, by)) {
                    System.out.printf("%-16s %s (order %s, %s): %s%n", result.status(), result.letter().id(),
                            result.letter().orderId(), result.letter().error(), result.note());
                }
            }
            return ExitCodes.OK;
        }
    }

    /** {@code dlt parked}: orders whose later records wait behind a dead letter, from every service's schema. */
    @Command(name = "parked", mixinStandardHelpOptions = true,
            description = "List the orders parked behind a dead letter: per consumer group, why, since when, how many "
                    + "records wait, and the command that replays the dead letter (read from PostgreSQL).")
    static final class Parked implements Callable<Integer> {
        private final Config config;

        Parked(OrderClient client) {
            this.config = client.config();
        }

        @Override
        public Integer call() throws SQLException {
            List<Parking.ParkedOrder> parked;
            try (Connection c = DriverManager.getConnection(config.dbUrl(), config.dbUser(), config.dbPassword())) {
                parked = Parking.all(c);
            }
            if (parked.isEmpty()) {
                System.out.println("no orders are parked");
                return ExitCodes.OK;
            }
            for (Parking.ParkedOrder p : parked) {
                String source = p.origin().substring(0, p.origin().indexOf('/'));
                System.out.printf("order %s: %d record(s) of %s parked since %s (schema %s)%n", p.orderKey(),
                        p.parkedRecords(), p.consumerGroup(), p.since(), p.schema());
                System.out.println("  behind " + p.origin() + ": " + p.reason());
                System.out.println("  after fixing the cause: orderflow dlt replay " + source + ".dlt --order "
                        + p.orderKey() + " --group " + p.consumerGroup());
            }
            return ExitCodes.OK;
        }
    }
}
