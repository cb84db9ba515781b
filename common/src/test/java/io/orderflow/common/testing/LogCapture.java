package io.orderflow.common.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * What the code under test logs (INFO and up, every logger), one line per event, so a test can check that a permanent
 * error is logged once and not in a loop. Start it before the work, close it after.
 */
public final class LogCapture implements AutoCloseable {
    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;

    private LogCapture() {
        appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String line = event.getLevel() + " " + event.getLoggerName() + " "
                        + event.getMessage().getFormattedMessage()
                        + (event.getThrown() == null ? "" : " " + event.getThrown());
                synchronized (lines) {
                    lines.add(line);
                }
            }
        };
    }

    public static LogCapture start() {
        LogCapture capture = new LogCapture();
        capture.appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(capture.appender, Level.INFO, null);
        context.updateLoggers();
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
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
