package io.orderflow.common.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/**
 * Logback's {@code %orderIds}: the {@link LogContext} ids of a line as {@code " order_id=o-1 request_id=r-1"}, in a
 * fixed order, only those present (a value with spaces or quotes is quoted), so lines stay {@code key=value} and
 * short where no order is involved.
 */
public final class OrderIdsConverter extends ClassicConverter {
    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (mdc == null || mdc.isEmpty()) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String key : LogContext.KEYS) {
            String value = mdc.get(key);
            if (value != null) {
                out.append(' ').append(key).append('=').append(quoted(value));
            }
        }
        return out.toString();
    }

    static String quoted(String value) {
        boolean plain = !value.isEmpty() && value.chars().noneMatch(c -> c <= ' ' || c == '"' || c == '=');
        return plain ? value : '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
