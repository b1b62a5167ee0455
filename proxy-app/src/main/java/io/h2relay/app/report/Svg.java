package io.h2relay.app.report;

import java.util.List;
import java.util.Locale;

/** Small inline-SVG charts for the HTML report: nothing to download, readable offline and in any browser. */
final class Svg {

    static final int W = 1000;
    static final int H = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;

    /** One line: points (x, y) in data units. */
    record Series(String name, String color, double[] xs, double[] ys, boolean dashed) {}

    /** A tick on a custom axis: its position in data units and its label. */
    record Tick(double at, String label) {}

    private Svg() {}

    /** A line chart; {@code xTicks} null for evenly spaced numeric ticks. */
    static String lines(String title, String xLabel, String yLabel, List<Series> series, List<Tick> xTicks) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                minX = Math.min(minX, s.xs()[i]);
                maxX = Math.max(maxX, s.xs()[i]);
                maxY = Math.max(maxY, s.ys()[i]);
            }
        }
        if (minX == Double.MAX_VALUE) {
            minX = 0;
            maxX = 1;
        }
        if (maxX <= minX) {
            maxX = minX + 1;
        }
        maxY = nice(maxY <= 0 ? 1 : maxY * 1.05);
        StringBuilder b = frame(title, xLabel, yLabel);
        double fMinX = minX;
        double fMaxX = maxX;
        double fMaxY = maxY;
        for (int i = 0; i <= 5; i++) {
            double v = maxY * i / 5;
            double y = yOf(v, fMaxY);
            b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%.1f' x2='%d' y2='%.1f' stroke='#ddd'/>",
                    LEFT, y, W - RIGHT, y));
            b.append(String.format(Locale.ROOT, "<text x='%d' y='%.1f' text-anchor='end' font-size='11'>%s</text>",
                    LEFT - 6, y + 4, number(v)));
        }
        List<Tick> ticks = xTicks;
        if (ticks == null) {
            // Round steps (1, 2 or 5 times a power of ten), about eight of them.
            ticks = new java.util.ArrayList<>();
            double step = nice((maxX - minX) / 8);
            for (double v = Math.ceil(minX / step) * step; v <= maxX + step * 1e-9; v += step) {
                ticks.add(new Tick(v, number(Math.round(v / step) * step)));
            }
        }
        for (Tick t : ticks) {
            double x = xOf(t.at(), fMinX, fMaxX);
            b.append(String.format(Locale.ROOT, "<line x1='%.1f' y1='%d' x2='%.1f' y2='%d' stroke='#eee'/>",
                    x, TOP, x, H - BOTTOM));
            b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' text-anchor='middle' font-size='11'>%s"
                    + "</text>", x, H - BOTTOM + 16, esc(t.label())));
        }
        int legendX = LEFT + 10;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", xOf(s.xs()[i], fMinX, fMaxX),
                        yOf(s.ys()[i], fMaxY)));
            }
            b.append("<polyline fill='none' stroke-width='2' stroke='").append(s.color()).append("'")
                    .append(s.dashed() ? " stroke-dasharray='6,4'" : "").append(" points='").append(points)
                    .append("'/>");
            if (s.xs().length == 1) {
                b.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='3' fill='%s'/>",
                        xOf(s.xs()[0], fMinX, fMaxX), yOf(s.ys()[0], fMaxY), s.color()));
            }
            b.append(String.format(Locale.ROOT, "<rect x='%d' y='%d' width='14' height='4' fill='%s'/>"
                    + "<text x='%d' y='%d' font-size='12'>%s</text>", legendX, TOP + 6, s.color(), legendX + 18,
                    TOP + 11, esc(s.name())));
            legendX += 30 + 8 * s.name().length();
        }
        return b.append("</svg>").toString();
    }

    /** Horizontal bars, one per label. */
    static String bars(String title, List<String> labels, List<Long> values, List<String> colors) {
        int rowHeight = 26;
        int height = TOP + 20 + Math.max(1, labels.size()) * rowHeight;
        long max = values.stream().mapToLong(Long::longValue).max().orElse(1);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' "
                + "width='%d' height='%d' viewBox='0 0 %d %d' font-family='sans-serif'>", W, height, W, height));
        b.append(String.format(Locale.ROOT, "<rect width='%d' height='%d' fill='white'/>", W, height));
        b.append("<text x='10' y='20' font-size='15' font-weight='bold'>").append(esc(title)).append("</text>");
        if (labels.isEmpty()) {
            b.append("<text x='160' y='60' font-size='12'>no responses</text>");
        }
        for (int i = 0; i < labels.size(); i++) {
            int y = TOP + 10 + i * rowHeight;
            double w = (W - 300) * (double) values.get(i) / Math.max(1, max);
            b.append(String.format(Locale.ROOT, "<text x='150' y='%d' text-anchor='end' font-size='13'>%s</text>",
                    y + 15, esc(labels.get(i))));
            b.append(String.format(Locale.ROOT, "<rect x='160' y='%d' width='%.1f' height='20' fill='%s'/>", y,
                    Math.max(1, w), colors.get(i)));
            b.append(String.format(Locale.ROOT, "<text x='%.1f' y='%d' font-size='12'>%d</text>", 166 + w, y + 15,
                    values.get(i)));
        }
        return b.append("</svg>").toString();
    }

    private static StringBuilder frame(String title, String xLabel, String yLabel) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "<svg xmlns='http://www.w3.org/2000/svg' "
                + "width='%d' height='%d' viewBox='0 0 %d %d' font-family='sans-serif'>", W, H, W, H));
        b.append(String.format(Locale.ROOT, "<rect width='%d' height='%d' fill='white'/>", W, H));
        b.append("<text x='10' y='20' font-size='15' font-weight='bold'>").append(esc(title)).append("</text>");
        b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT,
                H - BOTTOM, W - RIGHT, H - BOTTOM));
        b.append(String.format(Locale.ROOT, "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='#333'/>", LEFT, TOP,
                LEFT, H - BOTTOM));
        b.append(String.format(Locale.ROOT, "<text x='%d' y='%d' text-anchor='middle' font-size='12'>%s</text>",
                (LEFT + W - RIGHT) / 2, H - 8, esc(xLabel)));
        b.append(String.format(Locale.ROOT, "<text x='14' y='%d' font-size='12' transform='rotate(-90 14 %d)' "
                + "text-anchor='middle'>%s</text>", (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2, esc(yLabel)));
        return b;
    }

    private static double xOf(double v, double min, double max) {
        return LEFT + (W - LEFT - RIGHT) * (v - min) / (max - min);
    }

    private static double yOf(double v, double max) {
        return H - BOTTOM - (H - TOP - BOTTOM) * v / max;
    }

    /** The next 1, 2 or 5 times a power of ten at or above v. */
    static double nice(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e9) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 10 ? "%.1f" : "%.3g", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;")
                .replace("\"", "&quot;");
    }
}
