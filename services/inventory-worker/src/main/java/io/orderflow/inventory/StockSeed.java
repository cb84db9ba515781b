package io.orderflow.inventory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The stock an empty inventory starts with, from {@code ORDERFLOW_INVENTORY_SEED}: comma-separated {@code SKU:QTY}
 * entries, where a SKU may hold one numeric range in braces, e.g. {@code "SKU-1:100, SKU-2:50"} or
 * {@code "SKU-{1..300}:1000000"}; {@code none} seeds nothing. Unset, it is {@link #DEFAULT}, the stock the local demo
 * ({@code scripts/up.sh}, the CLI examples) orders from. Only an empty stock table is seeded, so a restart never
 * overwrites counted stock; change stock later with {@code InventoryAdminMain}.
 */
public final class StockSeed {
    public static final String SETTING = "ORDERFLOW_INVENTORY_SEED";
    /** 300 SKUs, {@code SKU-1} to {@code SKU-300}, a million of each: the demo and load tests never run dry. */
    public static final String DEFAULT = "SKU-{1..300}:1000000";
    public static final String NONE = "none";

    private static final Pattern RANGE = Pattern.compile("\\{(\\d+)\\.\\.(\\d+)}");
    private static final int MAX_RANGE = 100_000;

    private StockSeed() {}

    /** The SKUs and on-hand quantities {@code text} describes, in the order given; a SKU given twice keeps its last. */
    public static List<Line> parse(String text) {
        if (text.isBlank() || text.trim().equalsIgnoreCase(NONE)) {
            return List.of();
        }
        Map<String, Integer> levels = new LinkedHashMap<>();
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw invalid(text, "'" + entry + "' is not SKU:QUANTITY");
            }
            String sku = entry.substring(0, colon).trim();
            int quantity;
            try {
                quantity = Integer.parseInt(entry.substring(colon + 1).trim());
            } catch (NumberFormatException e) {
                throw invalid(text, "'" + entry + "' has no whole-number quantity");
            }
            if (quantity < 0) {
                throw invalid(text, "'" + entry + "' has a negative quantity");
            }
            for (String each : expand(text, sku)) {
                levels.put(each, quantity);
            }
        }
        return levels.entrySet().stream().map(e -> new Line(e.getKey(), e.getValue())).toList();
    }

    private static List<String> expand(String text, String sku) {
        Matcher range = RANGE.matcher(sku);
        if (!range.find()) {
            if (sku.isEmpty() || sku.contains("{") || sku.contains("}")) {
                throw invalid(text, "'" + sku + "' is not a SKU or a SKU range like SKU-{1..300}");
            }
            return List.of(sku);
        }
        long from = Long.parseLong(range.group(1));
        long to = Long.parseLong(range.group(2));
        if (from > to || to - from >= MAX_RANGE) {
            throw invalid(text, "'" + sku + "' must count up, at most " + MAX_RANGE + " SKUs");
        }
        String prefix = sku.substring(0, range.start());
        String suffix = sku.substring(range.end());
        List<String> skus = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            skus.addAll(expand(text, prefix + i + suffix));
        }
        return skus;
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException(SETTING + "='" + text + "': " + why);
    }
}
