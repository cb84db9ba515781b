package io.orderflow.inventory;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A quantity of one SKU that a request asks for. */
public record Line(String sku, int quantity) {

    /**
     * One line per SKU, quantities of a repeated SKU added up, sorted by SKU: the order in which stock rows are
     * locked, so two requests never wait on each other's rows in opposite orders.
     *
     * @throws IllegalArgumentException for a blank SKU, a quantity below 1, or a total beyond an int
     */
    static List<Line> merge(Collection<Line> lines) {
        Map<String, Integer> bySku = new TreeMap<>();
        for (Line line : lines) {
            if (line.sku() == null || line.sku().isBlank()) {
                throw new IllegalArgumentException("a line has no SKU");
            }
            if (line.quantity() < 1) {
                throw new IllegalArgumentException("invalid quantity " + line.quantity() + " for " + line.sku()
                        + " (must be at least 1)");
            }
            bySku.merge(line.sku(), line.quantity(), (a, b) -> {
                try {
                    return Math.addExact(a, b);
                } catch (ArithmeticException e) {
                    throw new IllegalArgumentException("invalid quantity for " + line.sku() + ": the lines add up to "
                            + ((long) a + b) + ", more than can be stocked");
                }
            });
        }
        return bySku.entrySet().stream().map(e -> new Line(e.getKey(), e.getValue())).toList();
    }

    /** {@code SKU-1 x2, SKU-2 x1}: for outcome reasons. */
    static String describe(Collection<Line> lines) {
        return String.join(", ", lines.stream().map(l -> l.sku() + " x" + l.quantity()).toList());
    }
}
