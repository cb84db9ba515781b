package io.orderflow.common.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.orderflow.common.logging.OrderIdsConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.LoggerFactory;

/**
 * What the code under test logs (INFO and up, every logger), one line per event as {@code LEVEL logger message} plus
 * the order ids the line carries ({@code order_id=o-1 ...}, as the services' log lines show them), so a test can
 * check that a permanent error is logged once and not in a loop, or follow one order through the log. Start it before
 * the work, close it after.
 */
public final class LogCapture implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final OrderIdsConverter orderIds = new OrderIdsConverter();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            if (!event.getLevel().isGreaterOrEqual(Level.INFO)) {
                return;
            }
            String line = event.getLevel() + " " + event.getLoggerName() + orderIds.convert(event) + " "
                    + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getClassName()
                    + ": " + event.getThrowableProxy().getMessage());
            synchronized (lines) {
                lines.add(line);
            }
        }
    };

    private LogCapture() {}

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.appender.setName("capture-" + UUID.randomUUID());
        capture.appender.setContext(root().getLoggerContext());
        capture.appender.start();
        root().addAppender(capture.appender);
        return capture;
    }

    /** The lines that contain {@code text}, in the order they were logged. */
    public List<String> linesWith(String text) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.contains(text)).toList();
        }
    }

    @Override
    public void close() {
        root().detachAppender(appender);
        appender.stop();
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}
