package io.orderflow.admin.reports;

import java.util.List;
import java.util.Map;

/**
 * Charts drawn on the server as SVG: no script, nothing fetched, readable without JavaScript, and scaled by the
 * browser to any width. Labels are escaped here, since the markup is emitted as is.
 */
public final class Svg {
    private static final String[] PALETTE = {"#2f6f9f", "#d9822b", "#3b9c5a", "#b8433c", "#7b5ea7", "#8c6d46",
            "#c85a9b", "#6b7b8c"};

    private Svg() {}

    /** A horizontal bar chart: one bar per entry, its value at the end. */
    public static String bars(String title, Map<String, Long> values) {
        int rowHeight = 26;
        int labelWidth = 110;
        int width = 520;
        int height = values.size() * rowHeight + 30;
        long max = Math.max(1, values.values().stream().mapToLong(Long::longValue).max().orElse(1));
        StringBuilder svg = open(title, width, height);
        int y = 24;
        int i = 0;
        for (var e : values.entrySet()) {
            int barWidth = (int) Math.round((width - labelWidth - 60) * (double) e.getValue() / max);
            svg.append("<text x=\"").append(labelWidth - 6).append("\" y=\"").append(y + 15)
                    .append("\" text-anchor=\"end\" font-size=\"13\">").append(escape(e.getKey())).append("</text>")
                    .append("<rect class=\"bar\" x=\"").append(labelWidth).append("\" y=\"").append(y + 2)
                    .append("\" width=\"").append(Math.max(barWidth, 1)).append("\" height=\"").append(rowHeight - 8)
                    .append("\" fill=\"").append(PALETTE[i++ % PALETTE.length]).append("\"><title>")
                    .append(escape(e.getKey())).append(": ").append(e.getValue()).append("</title></rect>")
                    .append("<text x=\"").append(labelWidth + barWidth + 6).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"13\">").append(e.getValue()).append("</text>");
            y += rowHeight;
        }
        return svg.append("</svg>").toString();
    }

    /** Stacked columns over time: {@code buckets} on the x axis, one colour per series, with a legend. */
    public static String stackedColumns(String title, List<String> buckets, Map<String, long[]> series) {
        int width = 720;
        int height = 330;
        int left = 40;
        int bottom = 100; // rotated time labels, then the legend
        int top = 20;
        int plotHeight = height - bottom - top;
        long max = 1;
        for (int b = 0; b < buckets.size(); b++) {
            long sum = 0;
            for (long[] values : series.values()) {
                sum += values[b];
            }
            max = Math.max(max, sum);
        }
        double columnWidth = (width - left - 10) / (double) Math.max(1, buckets.size());
        StringBuilder svg = open(title, width, height);
        svg.append("<line x1=\"").append(left).append("\" y1=\"").append(top + plotHeight).append("\" x2=\"")
                .append(width - 5).append("\" y2=\"").append(top + plotHeight).append("\" stroke=\"#888\"/>")
                .append("<text x=\"").append(left - 4).append("\" y=\"").append(top + 10)
                .append("\" text-anchor=\"end\" font-size=\"11\">").append(max).append("</text>");
        for (int b = 0; b < buckets.size(); b++) {
            double x = left + b * columnWidth;
            double y = top + plotHeight;
            int s = 0;
            for (var e : series.entrySet()) {
                long v = e.getValue()[b];
                double h = plotHeight * (double) v / max;
                if (v > 0) {
                    y -= h;
                    svg.append(String.format(java.util.Locale.ROOT,
                            "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %d</title></rect>",
                            x + 1, y, Math.max(1, columnWidth - 2), h, PALETTE[s % PALETTE.length],
                            escape(buckets.get(b)), escape(e.getKey()), v));
                }
                s++;
            }
            if (buckets.size() <= 14 || b % Math.max(1, buckets.size() / 12) == 0) {
                svg.append(String.format(java.util.Locale.ROOT,
                        "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" transform=\"rotate(45 %.1f %d)\">%s</text>",
                        x + 2, top + plotHeight + 12, x + 2, top + plotHeight + 12, escape(buckets.get(b))));
            }
        }
        int lx = left;
        int s = 0;
        for (String name : series.keySet()) {
            svg.append("<rect x=\"").append(lx).append("\" y=\"").append(height - 14).append("\" width=\"10\" height=\"10\" fill=\"")
                    .append(PALETTE[s++ % PALETTE.length]).append("\"/><text x=\"").append(lx + 14).append("\" y=\"")
                    .append(height - 5).append("\" font-size=\"11\">").append(escape(name)).append("</text>");
            lx += 16 + 8 * name.length() + 12;
        }
        return svg.append("</svg>").toString();
    }

    static StringBuilder open(String title, int width, int height) {
        return new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\" viewBox=\"0 0 ")
                .append(width).append(' ').append(height).append("\" aria-label=\"").append(escape(title))
                .append("\"><title>").append(escape(title)).append("</title>");
    }

    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
