package io.orderflow.cli;

import io.orderflow.common.config.Config;
import java.time.Duration;
import java.util.Map;
import picocli.CommandLine.ITypeConverter;

/** Durations as 500ms, 15s, 2m (the same syntax as the services' settings). */
final class DurationOption implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        return Config.of(Map.of("value", value)).getDuration("value", Duration.ZERO);
    }
}
