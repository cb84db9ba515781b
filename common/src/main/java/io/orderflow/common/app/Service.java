package io.orderflow.common.app;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service process: logs start-up, turns an uncaught exception into a logged exit, and on SIGTERM closes the
 * service (flush, commit, leave group) before the JVM ends. Every service's {@code main} is one call to {@link #run}.
 */
public final class Service {
    private static final Logger log = LoggerFactory.getLogger(Service.class);

    /** Starts a service and returns what must be closed to stop it. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start() throws Exception;
    }

    private Service() {}

    public static void run(String name, Starter starter) {
        Thread.setDefaultUncaughtExceptionHandler((thread, e) ->
                log.error("{}: uncaught exception in thread {}", name, thread.getName(), e));
        CountDownLatch stopped = new CountDownLatch(1);
        AutoCloseable running;
        try {
            running = starter.start();
        } catch (Exception e) {
            log.error("{} failed to start: {}", name, e.getMessage(), e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("{} stopping", name);
            try {
                running.close();
            } catch (Exception e) {
                log.warn("{} did not stop cleanly: {}", name, e.getMessage(), e);
            } finally {
                stopped.countDown();
            }
            log.info("{} stopped", name);
            // log4j's own shutdown hook is disabled (log4j2.xml) so that the lines above are still written.
            org.apache.logging.log4j.LogManager.shutdown();
        }, name + "-shutdown"));
        log.info("{} started", name);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
