package io.orderflow.common.http;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An outside system's error text cut down to one short line for a reason, a note or a log: the title of an HTML
 * error page (a proxy's or server's, e.g. a 431), or the first line of anything else. Raw bodies never go further.
 */
public final class ErrorText {
    public static final int MAX_LENGTH = 160;
    private static final Pattern TITLE = Pattern.compile("<(title|h1|h2)[^>]*>(.*?)</\\1>",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private ErrorText() {}

    public static String summarise(String text) {
        if (text == null || text.isBlank()) {
            return "(no body)";
        }
        String line = text;
        if (looksLikeHtml(text)) {
            Matcher title = TITLE.matcher(text);
            line = unescape(TAG.matcher(title.find() ? title.group(2) : text).replaceAll(" "));
        } else {
            line = text.strip().lines().findFirst().orElse("");
        }
        line = line.replaceAll("\\p{Cntrl}", " ").replaceAll("\\s+", " ").strip();
        if (line.isEmpty()) {
            return "(no readable text)";
        }
        return line.length() <= MAX_LENGTH ? line : line.substring(0, MAX_LENGTH) + "...";
    }

    private static boolean looksLikeHtml(String text) {
        String start = text.stripLeading().toLowerCase(Locale.ROOT);
        return start.startsWith("<!doctype") || start.startsWith("<html") || start.startsWith("<head")
                || start.startsWith("<body") || start.startsWith("<h1") || start.startsWith("<?xml");
    }

    private static String unescape(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&amp;", "&");
    }
}
