package io.orderflow.notification.render;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The Message-ID of the mail about one event: {@code <eventId@domain>}, the same however often it is sent, so a
 * resend after a crash is recognisably the same message. Characters a Message-ID may not hold are %-encoded.
 */
public final class MessageIds {
    private static final Pattern DOMAIN = Pattern.compile("[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*");

    private MessageIds() {}

    public static String of(String eventId, String domain) {
        return "<" + encode(eventId) + "@" + checkDomain(domain) + ">";
    }

    /** {@code domain} if it can stand right of the '@' of a Message-ID as it is; otherwise an error. */
    public static String checkDomain(String domain) {
        if (!DOMAIN.matcher(domain).matches()) {
            throw new IllegalArgumentException("'" + domain + "' is not a valid Message-ID domain (letters, digits, "
                    + "'-', separated by single dots)");
        }
        return domain;
    }

    // Letters, digits, '-' and '_' are valid everywhere in RFC 5322's dot-atom; everything else (dots included, which
    // may not lead, trail or double) is %XX of its UTF-8 bytes, '%' itself too, so distinct ids stay distinct.
    private static String encode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
