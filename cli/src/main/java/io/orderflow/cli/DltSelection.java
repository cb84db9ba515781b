package io.orderflow.cli;

import io.orderflow.common.dlt.Selection;
import io.orderflow.common.kafka.DeadLetters;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Which dead letters {@code dlt show} and {@code dlt replay} act on: a dead-letter topic (or its source topic, or one
 * record's id {@code TOPIC.dlt/PARTITION/OFFSET}), narrowed by partition and offsets, order, error or consumer group.
 */
final class DltSelection {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TOPIC|ID",
            description = "A dead-letter topic (payment.requests.dlt, or payment.requests), or one dead letter's id "
                    + "TOPIC.dlt/PARTITION/OFFSET as `dlt show` prints it")
    String target;

    @Option(names = "--partition", description = "Only this partition of the dead-letter topic")
    Integer partition;

    @Option(names = "--offset", description = "Only the dead letter at this offset (needs --partition)")
    Long offset;

    @Option(names = "--from", paramLabel = "OFFSET", description = "From this offset on (needs --partition)")
    Long from;

    @Option(names = "--to", paramLabel = "OFFSET", description = "Up to this offset, inclusive (needs --partition)")
    Long to;

    @Option(names = "--order", paramLabel = "ORDER_ID", description = "Only the dead letters of this order")
    String order;

    @Option(names = "--error", paramLabel = "TEXT", description = "Only dead letters whose error contains TEXT")
    String error;

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Only those this consumer group (or Streams application) failed")
    String group;

    /** The dead-letter topic named. */
    String topic() {
        String name = target.contains("/") ? target.substring(0, target.indexOf('/')) : target;
        return name.endsWith(DeadLetters.SUFFIX) ? name : DeadLetters.topicFor(name);
    }

    Selection selection() {
        try {
            if (target.contains("/")) {
                String[] parts = target.split("/");
                if (parts.length != 3) {
                    throw new IllegalArgumentException("'" + target + "' is not an id TOPIC.dlt/PARTITION/OFFSET");
                }
                return new Selection(Integer.valueOf(parts[1]), Long.valueOf(parts[2]), Long.valueOf(parts[2]), order,
                        error, group);
            }
            if (offset != null && (from != null || to != null)) {
                throw new IllegalArgumentException("--offset or --from/--to, not both");
            }
            return new Selection(partition, offset != null ? offset : from, offset != null ? offset : to, order, error,
                    group);
        } catch (NumberFormatException e) {
            throw new ParameterException(spec.commandLine(), "'" + target + "': partition and offset must be numbers");
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
