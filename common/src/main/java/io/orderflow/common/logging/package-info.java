/**
 * Logging shared by every service: {@link io.orderflow.common.logging.LogContext} puts an order record's ids into the
 * MDC and {@link io.orderflow.common.logging.OrderIdsConverter} prints them as {@code key=value} in each line (the
 * Logback configurations: common's {@code logback.xml}, the distribution's {@code config/logback.xml}).
 */
package io.orderflow.common.logging;
