package io.orderflow.loadtest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Orders that did not reach the target state, grouped by why: one line per reason with a count and a few example
 * ids, however many orders share it. Reasons differ per order only in ids, numbers and times, so those are masked
 * before grouping ("pay in flight since 2026-11-25T10:00:01Z" and "... since 10:00:02Z" are one reason).
 */
public final class NotDone {
    private static final int EXAMPLES = 3;
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:?\\d{2})?");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NUMBER = Pattern.compile("\\d+(\\.\\d+)?");

    /** One reason: how many orders, and the first few of them. */
    public record Group(String reason, int count, List<String> examples) {
    }

    private NotDone() {
    }

    /**
     * @param reasons order id → why it is not done (e.g. "confirmed / ROLLED_BACK: pay timed out after 60 s"),
     *                in the order the examples should be taken from
     * @return groups, largest first
     */
    public static List<Group> group(Map<String, String> reasons) {
        Map<String, List<String>> byReason = new LinkedHashMap<>();
        reasons.forEach((orderId, reason) -> {
            String masked = mask(reason.replace(orderId, "<order>"));
            byReason.computeIfAbsent(masked, r -> new ArrayList<>()).add(orderId);
        });
        return byReason.entrySet().stream()
                .map(e -> new Group(e.getKey(), e.getValue().size(), List.copyOf(e.getValue().subList(0,
                        Math.min(EXAMPLES, e.getValue().size())))))
                .sorted(Comparator.comparingInt(Group::count).reversed())
                .toList();
    }

    /** Why one order is not done: its last state (or "no event") and the first problem reported for it. */
    public static String reason(io.orderflow.schema.OrderState state, String problem) {
        return (state == null ? "no event" : state.name().toLowerCase()) + (problem == null ? "" : " / " + problem);
    }

    /** Masks what varies from order to order: times, UUIDs, numbers. */
    static String mask(String reason) {
        String s = TIMESTAMP.matcher(reason).replaceAll("<time>");
        s = UUID.matcher(s).replaceAll("<id>");
        return NUMBER.matcher(s).replaceAll("N");
    }

    /** The lines the load test prints: "not done: 483 x confirmed / ... (e.g. a-1, a-7, a-9)". */
    public static List<String> lines(Map<String, String> reasons) {
        return group(reasons).stream()
                .map(g -> String.format("not done: %d x %s (e.g. %s)", g.count(), g.reason(), String.join(", ", g.examples())))
                .toList();
    }
}
