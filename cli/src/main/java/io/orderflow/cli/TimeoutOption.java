package io.orderflow.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --timeout}: how long any call may wait, for the broker and for the engine's answer together. */
final class TimeoutOption {
    @Option(names = "--timeout", defaultValue = "15s", converter = DurationOption.class,
            description = "How long to wait for the broker and the answer (default: ${DEFAULT-VALUE})")
    Duration timeout;
}
