package io.orderflow.engine;

import io.orderflow.common.app.Service;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.StreamsRunner;
import io.orderflow.domain.BusinessHours;
import io.orderflow.domain.OrderMachine;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/** Starts the order engine: {@code ORDERFLOW_BUSINESS_HOURS}, {@code ORDERFLOW_TIMEZONE}, {@code ORDERFLOW_HOLIDAYS}. */
public final class OrderEngineMain {
    public static final String APPLICATION_ID = "orderflow-engine";

    private OrderEngineMain() {}

    public static void main(String[] args) {
        Service.run("order-engine", () -> start(Config.fromEnvironment()));
    }

    static StreamsRunner start(Config config) throws InterruptedException {
        OrderMachine machine = new OrderMachine(businessHours(config));
        var props = new KafkaConfig(config).streams(config.get("ORDERFLOW_ENGINE_APPLICATION_ID", APPLICATION_ID));
        return StreamsRunner.start(EngineTopology.build(machine, Clock.systemUTC()), props, Duration.ofSeconds(60));
    }

    static BusinessHours businessHours(Config config) {
        ZoneId zone = ZoneId.of(config.get("ORDERFLOW_TIMEZONE", "UTC"));
        Set<LocalDate> holidays = Arrays.stream(config.get("ORDERFLOW_HOLIDAYS", "").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(LocalDate::parse).collect(Collectors.toSet());
        return BusinessHours.parse(config.get("ORDERFLOW_BUSINESS_HOURS", "always"), zone, holidays);
    }
}
