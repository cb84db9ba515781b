package io.orderflow.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The hottest frames of a Java Flight Recorder recording: the top frame of each execution sample, and the first
 * Orderflow frame under it (where in our code the time was spent), counted and ranked.
 */
final class JfrTop {
    private JfrTop() {
    }

    /** Frame → samples, for the top frames and for the first frame in {@code io.orderflow}. */
    record Counts(long samples, Map<String, Long> topFrames, Map<String, Long> orderflowFrames) {
    }

    static Counts count(Path recording) throws IOException {
        Map<String, Long> top = new HashMap<>();
        Map<String, Long> ours = new HashMap<>();
        long samples = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                var event = file.readEvent();
                RecordedStackTrace stack = event.getStackTrace();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || stack == null
                        || stack.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = stack.getFrames();
                top.merge(name(frames.get(0)), 1L, Long::sum);
                frames.stream().filter(f -> f.getMethod().getType().getName().startsWith("io.orderflow")).findFirst()
                        .ifPresent(f -> ours.merge(name(f), 1L, Long::sum));
            }
        }
        return new Counts(samples, top, ours);
    }

    static String format(String title, Counts counts, int limit) {
        StringBuilder out = new StringBuilder(String.format("%s: %,d execution samples%n", title, counts.samples()));
        out.append("  top frames:\n");
        ranked(out, counts.topFrames(), counts.samples(), limit);
        out.append("  first Orderflow frame on the stack:\n");
        ranked(out, counts.orderflowFrames(), counts.samples(), limit);
        return out.toString();
    }

    private static void ranked(StringBuilder out, Map<String, Long> frames, long samples, int limit) {
        frames.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(limit)
                .forEach(e -> out.append(String.format("    %5.1f%%  %6d  %s%n", 100.0 * e.getValue() / samples,
                        e.getValue(), e.getKey())));
    }

    private static String name(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
