package io.orderflow.common.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import io.orderflow.common.testing.LogCapture;
import io.orderflow.schema.Actor;
import io.orderflow.schema.OrderCommand;
import io.orderflow.schema.Role;
import io.orderflow.schema.Transition;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogContextTest {
    private static final org.slf4j.Logger log = LoggerFactory.getLogger(LogContextTest.class);

    private static OrderCommand command(String orderId) {
        return OrderCommand.newBuilder().setCommandId("c-1").setOrderId(orderId).setTransition(Transition.CONFIRM)
                .setActor(new Actor("sue", Role.SUPPORT)).setCorrelationId("k-9").setIssuedAt(Instant.EPOCH).build();
    }

    @Test
    void linesLoggedWhileHandlingARecordCarryItsIdsAndOnlyThen() {
        try (LogCapture capture = LogCapture.start()) {
            try (LogContext ignored = LogContext.of("o-17", command("o-17"))) {
                log.info("deciding");
            }
            log.info("between orders");
            assertThat(capture.linesWith("deciding"))
                    .containsExactly("INFO " + LogContextTest.class.getName()
                            + " order_id=o-17 command_id=c-1 correlation_id=k-9 deciding");
            assertThat(capture.linesWith("between orders")).singleElement().asString().doesNotContain("order_id");
        }
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void anInnerContextRestoresTheOuterOneWhenClosed() {
        try (LogContext outer = LogContext.order("o-1")) {
            try (LogContext inner = LogContext.of("o-2", null)) {
                assertThat(MDC.get(LogContext.ORDER)).isEqualTo("o-2");
            }
            assertThat(MDC.get(LogContext.ORDER)).isEqualTo("o-1");
        }
        assertThat(MDC.get(LogContext.ORDER)).isNull();
    }

    @Test
    void theServicesLinesAreKeyValueWithTheOrdersIds() {
        // The appender every service's configuration includes (io/orderflow/common/logging/console.xml).
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        var encoder = ((ConsoleAppender<ILoggingEvent>) root.getAppender("out")).getEncoder();
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), root.getLoggerContext().getLogger("x.Relay"),
                Level.WARN, "said \"no\"", null, null);
        try (LogContext ignored = LogContext.order("o 3")) {
            event.prepareForDeferredProcessing();
        }
        assertThat(new String(encoder.encode(event), StandardCharsets.UTF_8))
                .matches("time=\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z level=WARN thread=\\S+ logger=Relay"
                        + " order_id=\"o 3\" msg=\"said \\\\\"no\\\\\"\"\\R");
    }
}
