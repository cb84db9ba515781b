package io.orderflow.common.app;

import io.orderflow.common.config.Config;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Services running in this JVM: started in the given order, stopped in reverse (so the engine, started last, stops
 * first and the workers can finish what it asked of them). {@link #run} is the one way a process runs services: it
 * logs uncaught exceptions, stops everything cleanly on SIGTERM, and exits 1 when a service cannot start.
 */
public final class ServiceHost implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServiceHost.class);

    /** Running services by name, in start order. */
    private final Map<String, AutoCloseable> running;

    private ServiceHost(Map<String, AutoCloseable> running) {
        this.running = running;
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
                running.put(service.name(), service.starter().start(config));
            } catch (Exception e) {
                new ServiceHost(running).close();
                throw new StartFailure(service.name(), e);
            }
            log.info("{} started", service.name());
        }
        return new ServiceHost(running);
    }

    public List<String> names() {
        return List.copyOf(running.keySet());
    }

    /** Stops every service, last started first; one that fails to stop is logged and the others still stop. */
    @Override
    public void close() {
        List<String> names = new ArrayList<>(running.keySet());
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
        ServiceHost host;
        try {
            host = start(services, config);
        } catch (StartFailure e) {
            log.error("{}; the services started before it were stopped again", e.getMessage(), e.getCause());
            shutdownLogging();
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                host.close();
            } finally {
                stopped.countDown();
                shutdownLogging();
            }
        }, "orderflow-shutdown"));
        log.info("running {}", host.names());
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // log4j's own shutdown hook is disabled (log4j2.xml) so that the lines logged while stopping are still written.
    private static void shutdownLogging() {
        org.apache.logging.log4j.LogManager.shutdown();
    }
}
