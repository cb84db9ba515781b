package io.orderflow.benchmark;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Throughput and latency over each scenario as one SVG: a row per scenario, transitions per second on the left, the
 * p50 and p99 of engine hops and worker steps on the right (log scale, so a stall of seconds and a hop of
 * milliseconds both show). Plain SVG text, no scripts or fonts to fetch.
 */
public final class SvgChart {
    private static final int PANEL_W = 440;
    private static final int PANEL_H = 150;
    private static final int MARGIN_L = 60;
    private static final int MARGIN_T = 40;
    private static final int ROW_H = PANEL_H + 80;
    private static final int WIDTH = 2 * (MARGIN_L + PANEL_W) + 70;

    private record Series(String label, String color, Function<Timeline.Point, Number> value) {
    }

    private static final List<Series> THROUGHPUT = List.of(new Series("transitions/s", "#1f77b4", Timeline.Point::transitions));
    private static final List<Series> LATENCY = List.of(
            new Series("engine p50", "#2ca02c", Timeline.Point::engineP50Ms),
            new Series("engine p99", "#98df8a", Timeline.Point::engineP99Ms),
            new Series("worker step p50", "#d62728", Timeline.Point::workerP50Ms),
            new Series("worker step p99", "#ff9896", Timeline.Point::workerP99Ms));

    private SvgChart() {
    }

    public static String render(String title, List<Scenario> scenarios) {
        StringBuilder svg = new StringBuilder();
        int height = MARGIN_T + scenarios.size() * ROW_H + 20;
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, height, WIDTH, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        svg.append(text(10, 20, 14, title));
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario s = scenarios.get(i);
            int top = MARGIN_T + i * ROW_H;
            svg.append(text(10, top + 12, 12, String.format(Locale.ROOT, "%s: %s transitions/s", s.name(),
                    format(s.transitionsPerS()))));
            List<Timeline.Point> points = s.timeline() == null ? List.of() : s.timeline();
            panel(svg, MARGIN_L, top + 42, points, THROUGHPUT, false, "transitions/s");
            panel(svg, 2 * MARGIN_L + PANEL_W + 40, top + 42, points, LATENCY, true, "latency, ms (log)");
        }
        return svg.append("</svg>\n").toString();
    }

    private static void panel(StringBuilder svg, int x, int y, List<Timeline.Point> points, List<Series> series,
                              boolean log, String axis) {
        int seconds = points.isEmpty() ? 1 : Math.max(1, points.get(points.size() - 1).second());
        double max = 0;
        double min = Double.MAX_VALUE;
        for (Timeline.Point p : points) {
            for (Series s : series) {
                Number v = s.value().apply(p);
                if (v != null && v.doubleValue() > 0) {
                    max = Math.max(max, v.doubleValue());
                    min = Math.min(min, v.doubleValue());
                }
            }
        }
        if (max == 0) {
            max = 1;
            min = 1;
        }
        double lo = log ? Math.pow(10, Math.floor(Math.log10(min))) : 0;
        double hi = log ? Math.pow(10, Math.ceil(Math.log10(max * 1.0001))) : niceCeiling(max);
        svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\""
                + " stroke=\"#999\"/>%n", x, y, PANEL_W, PANEL_H));
        svg.append(text(x - 55, y + 10, 10, format(hi)));
        svg.append(text(x - 55, y + PANEL_H, 10, format(lo)));
        svg.append(text(x, y + PANEL_H + 14, 10, "0 s"));
        svg.append(text(x + PANEL_W - 30, y + PANEL_H + 14, 10, seconds + " s"));
        svg.append(text(x + PANEL_W / 2 - 40, y + PANEL_H + 14, 10, axis));
        int legendX = x + 5;
        for (Series s : series) {
            StringBuilder line = new StringBuilder();
            for (Timeline.Point p : points) {
                Number v = s.value().apply(p);
                if (v == null || (log && v.doubleValue() <= 0)) {
                    continue;
                }
                double fy = log ? (Math.log10(v.doubleValue()) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))
                        : v.doubleValue() / hi;
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", x + (double) p.second() / seconds * PANEL_W,
                        y + PANEL_H - fy * PANEL_H));
            }
            if (!line.isEmpty()) {
                svg.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\""
                        + " points=\"%s\"/>%n", s.color(), line.toString().trim()));
            }
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"3\" fill=\"%s\"/>%n",
                    legendX, y - 12, s.color()));
            svg.append(text(legendX + 13, y - 8, 10, s.label()));
            legendX += 20 + s.label().length() * 6;
        }
    }

    static double niceCeiling(double max) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(max)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= max) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String text(int x, int y, int size, String content) {
        return String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%d\">%s</text>%n", x, y, size,
                escape(content));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String format(double v) {
        if (v == 0) {
            return "0";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.3g", v);
    }
}
