package io.orderflow.common.app;

import io.micrometer.core.instrument.Metrics;
import io.orderflow.common.config.Config;
import io.orderflow.common.kafka.KafkaConfig;
import io.orderflow.common.kafka.DeadLetterSizes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services running in this JVM: started in the given order, stopped in reverse (so the engine, started last, stops
 * first and the workers can finish what it asked of them). {@link #run} is the one way a process runs services: it
 * logs uncaught exceptions, stops everything cleanly on SIGTERM, exits 1 when a service cannot start, and with
 * {@code ORDERFLOW_METRICS_PORT} set serves metrics and health there ({@link OpsEndpoint}).
 */
public final class ServiceHost implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceHost.class);
    /** The port of the process's metrics and health endpoint; unset: none. */
    public static final String METRICS_PORT = "ORDERFLOW_METRICS_PORT";

    /** Running services by name, in start order; synchronized, as health requests read it while it stops. */
    private final Map<String, AutoCloseable> running;

    private ServiceHost(Map<String, AutoCloseable> running) {
        this.running = Collections.synchronizedMap(running);
    }

    /** Raised when a service fails to start; the ones started before it have been stopped again. */
    public static final class StartFailure extends Exception {
        private final String service;

        StartFailure(String service, Exception cause) {
            super(service + " failed to start: " + (cause.getMessage() == null ? cause : cause.getMessage()), cause);
            this.service = service;
        }

        public String service() {
            return service;
        }
    }

    /**
     * Starts {@code services} in order with {@code config}. If one fails, the ones already started are closed (in
     * reverse) and the failure is thrown, so a half-started host never lingers.
     */
    public static ServiceHost start(List<Service> services, Config config) throws StartFailure {
        Map<String, AutoCloseable> running = new LinkedHashMap<>();
        for (Service service : services) {
            log.info("{} starting", service.name());
            try {
                running.put(service.name(), service.starter().start(asService(config, service)));
            } catch (Exception e) {
                new ServiceHost(running).close();
                throw new StartFailure(service.name(), e);
            }
            log.info("{} started", service.name());
        }
        return new ServiceHost(running);
    }

    /** Each service talks to Kafka as its own principal (its name), whatever process hosts it: see KafkaConfig. */
    private static Config asService(Config config, Service service) {
        return config.with(KafkaConfig.PRINCIPAL, service.name());
    }

    public List<String> names() {
        synchronized (running) {
            return List.copyOf(running.keySet());
        }
    }

    /** Each running service's readiness: empty when ready (or when it cannot tell), else why not. */
    public Map<String, Optional<String>> readiness() {
        Map<String, AutoCloseable> services;
        synchronized (running) {
            services = new LinkedHashMap<>(running);
        }
        Map<String, Optional<String>> result = new LinkedHashMap<>();
        services.forEach((name, service) ->
                result.put(name, service instanceof Readiness r ? r.unready() : Optional.empty()));
        return result;
    }

    /** Stops every service, last started first; one that fails to stop is logged and the others still stop. */
    @Override
    public void close() {
        List<String> names = new ArrayList<>(names());
        Collections.reverse(names);
        for (String name : names) {
            log.info("{} stopping", name);
            try {
                running.remove(name).close();
                log.info("{} stopped", name);
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", name, e.getMessage(), e);
            }
        }
    }

    /**
     * Runs {@code services} as this process until SIGTERM: starts them, then blocks; on SIGTERM stops them in
     * reverse order before the JVM ends. Exits with status 1 if one cannot start.
     */
    public static void run(List<Service> services, Config config) {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) ->
                log.error("uncaught exception in thread {}", thread.getName(), e));
        AtomicReference<ServiceHost> host = new AtomicReference<>();
        // The host checks the broker as its first service: a host holds only its own services' credentials.
        ConnectivityChecks connectivity = new ConnectivityChecks(services.isEmpty() ? config
                : asService(config, services.get(0)));
        OpsEndpoint ops;
        try {
            ops = startOps(config, () -> readiness(services, host.get(), connectivity));
            host.set(start(services, config));
        } catch (StartFailure e) {
            log.error("{}; the services started before it were stopped again", e.getMessage(), e.getCause());
            exit();
            return;
        } catch (IOException e) {
            log.error(e.getMessage(), e);
            exit();
            return;
        }
        DeadLetterSizes deadLetters = ops == null ? null : DeadLetterSizes.start(services.isEmpty() ? config
                : asService(config, services.get(0)), Metrics.globalRegistry);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                host.get().close();
                connectivity.close();
                if (ops != null) {
                    deadLetters.close();
                    ops.close();
                }
            } finally {
                stopped.countDown();
            }
        }, "orderflow-shutdown"));
        log.info("running {}", host.get().names());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static OpsEndpoint startOps(Config config, Supplier<Map<String, Optional<String>>> readiness)
            throws IOException {
        Optional<String> port = config.find(METRICS_PORT);
        if (port.isEmpty()) {
            return null;
        }
        try {
            return OpsEndpoint.start(config.get("ORDERFLOW_METRICS_HOST", "127.0.0.1"),
                    config.getInt(METRICS_PORT, 0), readiness);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics and health on port " + port.get() + " (" + METRICS_PORT
                    + "): " + e.getMessage(), e);
        }
    }

    /** The process is ready when it reaches Kafka, the database (if a service uses one), and every service is. */
    static Map<String, Optional<String>> readiness(List<Service> services, ServiceHost host,
                                                   ConnectivityChecks connectivity) {
        Map<String, Optional<String>> checks = new LinkedHashMap<>();
        checks.put("kafka", connectivity.kafka());
        if (services.stream().anyMatch(Service::usesDatabase)) {
            checks.put("database", connectivity.database());
        }
        Map<String, Optional<String>> hosted = host == null ? Map.of() : host.readiness();
        for (Service s : services) {
            checks.put(s.name(), hosted.getOrDefault(s.name(), Optional.of(host == null ? "starting" : "stopped")));
        }
        return checks;
    }

    // Logback writes each line as it comes (no shutdown hook, no async appender), so lines logged while stopping
    // are written too.
    private static void exit() {
        System.exit(1);
    }
}
