package io.orderflow.admin.reports;

import io.orderflow.domain.TransitionRule;
import io.orderflow.domain.TransitionTable;
import io.orderflow.schema.OrderState;
import io.orderflow.schema.Transition;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The state diagram, drawn from the transition table: every state a box, every (from, transition, to) an arrow. Only
 * the layout (where each state sits) is fixed here; the arrows come from {@link TransitionTable}, so a new transition
 * appears without touching this class. An order's current state and the transitions open to the viewer are marked.
 */
public final class StateDiagram {
    private static final int BOX_W = 110;
    private static final int BOX_H = 34;
    private static final Map<OrderState, int[]> POSITION = new EnumMap<>(Map.of(
            OrderState.PENDING, new int[] {20, 40},
            OrderState.CONFIRMED, new int[] {220, 40},
            OrderState.PAID, new int[] {420, 40},
            OrderState.SHIPPED, new int[] {620, 40},
            OrderState.DELIVERED, new int[] {620, 220},
            OrderState.CANCELLED, new int[] {120, 220},
            OrderState.REFUNDED, new int[] {420, 220}));

    private StateDiagram() {}

    public static String svg(OrderState current, Set<Transition> open) {
        StringBuilder svg = Svg.open("State diagram: " + (current == null ? "all states" : "order is " + name(current)),
                780, 300);
        svg.append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"/></marker>"
                + "<marker id=\"arrow-open\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" "
                + "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#1a7f37\"/></marker></defs>");
        for (TransitionRule rule : TransitionTable.rules()) {
            for (OrderState from : rule.from()) {
                arrow(svg, from, rule.to(), rule.transition(), current == from && open.contains(rule.transition()));
            }
        }
        for (var e : POSITION.entrySet()) {
            boolean here = e.getKey() == current;
            int[] p = e.getValue();
            svg.append("<g class=\"state").append(here ? " current" : "").append("\"><rect x=\"").append(p[0])
                    .append("\" y=\"").append(p[1]).append("\" width=\"").append(BOX_W).append("\" height=\"").append(BOX_H)
                    .append("\" rx=\"8\" fill=\"").append(here ? "#1f4e79" : "#eef3f8").append("\" stroke=\"#1f4e79\"/>")
                    .append("<text x=\"").append(p[0] + BOX_W / 2).append("\" y=\"").append(p[1] + 22)
                    .append("\" text-anchor=\"middle\" font-size=\"14\" fill=\"").append(here ? "#fff" : "#1f2d3d")
                    .append("\">").append(name(e.getKey())).append("</text></g>");
        }
        return svg.append("</svg>").toString();
    }

    private static void arrow(StringBuilder svg, OrderState from, OrderState to, Transition t, boolean open) {
        int[] a = POSITION.get(from);
        int[] b = POSITION.get(to);
        double ax = a[0] + BOX_W / 2.0;
        double ay = a[1] + BOX_H / 2.0;
        double bx = b[0] + BOX_W / 2.0;
        double by = b[1] + BOX_H / 2.0;
        // Forward and backward arrows between the same pair bend to opposite sides, so both stay readable.
        double mx = (ax + bx) / 2;
        double my = (ay + by) / 2;
        double dx = bx - ax;
        double dy = by - ay;
        double length = Math.max(1, Math.hypot(dx, dy));
        double bend = 26;
        double cx = mx - dy / length * bend;
        double cy = my + dx / length * bend;
        double[] start = edge(a, cx, cy);
        double[] end = edge(b, cx, cy);
        String colour = open ? "#1a7f37" : "#777";
        svg.append(String.format(Locale.ROOT,
                "<path class=\"edge%s\" d=\"M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f\" fill=\"none\" stroke=\"%s\" stroke-width=\"%s\" marker-end=\"url(#%s)\"/>",
                open ? " open" : "", start[0], start[1], cx, cy, end[0], end[1], colour, open ? "2.5" : "1.2",
                open ? "arrow-open" : "arrow"));
        svg.append(String.format(Locale.ROOT,
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" fill=\"%s\"%s>%s</text>",
                (mx + cx) / 2, (my + cy) / 2 + 4, colour, open ? " font-weight=\"bold\"" : "", name(t)));
    }

    /** Where the line from a box's centre toward (x, y) leaves the box. */
    private static double[] edge(int[] box, double x, double y) {
        double cx = box[0] + BOX_W / 2.0;
        double cy = box[1] + BOX_H / 2.0;
        double dx = x - cx;
        double dy = y - cy;
        double scale = 1 / Math.max(Math.abs(dx) / (BOX_W / 2.0), Math.abs(dy) / (BOX_H / 2.0));
        return new double[] {cx + dx * Math.min(scale, 1), cy + dy * Math.min(scale, 1)};
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
