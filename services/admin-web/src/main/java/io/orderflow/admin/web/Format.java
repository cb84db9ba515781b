package io.orderflow.admin.web;

import io.orderflow.common.kafka.Topics;
import io.orderflow.schema.Effect;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Small formatting helpers the templates call. */
public final class Format {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private Format() {}

    /** An id as one URL path segment (an order id may hold any character). */
    public static String path(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public static String time(Instant instant) {
        return instant == null ? "" : TIME.format(instant);
    }

    public static String iso(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    public static String lower(String name) {
        return name == null ? "" : name.toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** The worker that performs an effect ("inventory"), named after its request topic. */
    public static String worker(String effect) {
        String topic = Topics.requestsFor(Effect.valueOf(effect)).name();
        return topic.substring(0, topic.indexOf('.'));
    }

    public static String role(String role) {
        return role == null ? "" : role.toLowerCase(Locale.ROOT);
    }
}
