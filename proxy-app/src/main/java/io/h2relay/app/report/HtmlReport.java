package io.h2relay.app.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * A self-contained HTML report: the text summary as a table and four inline SVG charts (latency over time,
 * percentile distribution, throughput over time, status codes). No scripts, no fonts, no network: it opens from a
 * file on a machine without internet.
 */
public final class HtmlReport {

    private static final String[] PALETTE = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f"};

    private HtmlReport() {}

    public static String render(RunData run) {
        StringBuilder b = new StringBuilder(64 * 1024);
        b.append("<!doctype html>\n<html lang='en'><head><meta charset='utf-8'><title>h2relay replay report</title>"
                + "<style>body{font-family:sans-serif;margin:20px;background:#f6f6f6;color:#222}"
                + "section{background:white;margin:0 0 16px;padding:8px;border:1px solid #ddd}"
                + "table{border-collapse:collapse}td,th{padding:2px 12px;text-align:left;border-bottom:1px solid #eee}"
                + "pre{background:white;padding:8px}</style></head><body>\n");
        b.append("<h1>h2relay replay report</h1>\n<p>").append(Svg.esc(run.title())).append(" &mdash; ")
                .append(Instant.ofEpochMilli(run.startMs())).append(" to ").append(Instant.ofEpochMilli(run.endMs()))
                .append("</p>\n");
        b.append("<section><pre>").append(Svg.esc(TextReport.render(run))).append("</pre></section>\n");
        b.append("<section>").append(latencyOverTime(run)).append("</section>\n");
        b.append("<section>").append(distribution(run)).append("</section>\n");
        b.append("<section>").append(throughput(run)).append("</section>\n");
        b.append("<section>").append(statuses(run)).append("</section>\n");
        return b.append("</body></html>\n").toString();
    }

    private static double seconds(RunData run, Interval i) {
        return (i.endMs() - run.startMs()) / 1000.0;
    }

    static String latencyOverTime(RunData run) {
        List<Interval> with = run.intervals().stream().filter(i -> i.count() > 0).toList();
        double[] xs = new double[with.size()];
        double[] p50 = new double[xs.length];
        double[] p99 = new double[xs.length];
        double[] max = new double[xs.length];
        double[] up99 = new double[xs.length];
        for (int k = 0; k < xs.length; k++) {
            Interval i = with.get(k);
            xs[k] = seconds(run, i);
            Histogram c = i.get(Interval.CORRECTED);
            p50[k] = c.getValueAtPercentile(50) / 1000.0;
            p99[k] = c.getValueAtPercentile(99) / 1000.0;
            max[k] = c.getMaxValue() / 1000.0;
            Histogram u = i.get(Interval.UNCORRECTED);
            up99[k] = u == null ? 0 : u.getValueAtPercentile(99) / 1000.0;
        }
        return Svg.lines("Latency over time (from the intended send time)", "seconds", "ms", List.of(
                new Svg.Series("p50", PALETTE[0], xs, p50, false),
                new Svg.Series("p99", PALETTE[1], xs, p99, false),
                new Svg.Series("max", PALETTE[3], xs, max, false),
                new Svg.Series("p99 uncorrected", PALETTE[7], xs, up99, true)), null);
    }

    /** Latency by percentile on HdrHistogram's usual axis: x = log10(1 / (1 - p)), so 90, 99, 99.9 space evenly. */
    static String distribution(RunData run) {
        List<Svg.Series> series = new ArrayList<>();
        double maxX = 1;
        String[] names = {Interval.CORRECTED, Interval.UNCORRECTED};
        for (int n = 0; n < names.length; n++) {
            Histogram h = run.total(names[n]);
            List<double[]> points = new ArrayList<>();
            if (h.getTotalCount() > 0) {
                for (HistogramIterationValue v : h.percentiles(5)) {
                    double p = v.getPercentileLevelIteratedTo() / 100.0;
                    if (p >= 1) {
                        break;
                    }
                    points.add(new double[] {Math.log10(1 / (1 - p)), v.getValueIteratedTo() / 1000.0});
                }
                double top = Math.log10(Math.max(10, h.getTotalCount()));
                points.add(new double[] {top, h.getMaxValue() / 1000.0});
                maxX = Math.max(maxX, top);
            }
            double[] xs = new double[points.size()];
            double[] ys = new double[points.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = points.get(i)[0];
                ys[i] = points.get(i)[1];
            }
            series.add(new Svg.Series(names[n], PALETTE[n == 0 ? 1 : 7], xs, ys, n == 1));
        }
        List<Svg.Tick> ticks = new ArrayList<>();
        String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
        for (int i = 0; i <= Math.min(6, (int) Math.ceil(maxX)); i++) {
            ticks.add(new Svg.Tick(i, labels[i]));
        }
        return Svg.lines("Latency by percentile", "percentile", "ms", series, ticks);
    }

    static String throughput(RunData run) {
        List<Interval> all = run.intervals();
        double[] xs = new double[all.size()];
        double[] ys = new double[all.size()];
        for (int k = 0; k < xs.length; k++) {
            Interval i = all.get(k);
            xs[k] = seconds(run, i);
            double s = (i.endMs() - i.startMs()) / 1000.0;
            ys[k] = s > 0 ? i.count() / s : 0;
        }
        List<Svg.Series> series = new ArrayList<>();
        series.add(new Svg.Series("completed req/s", PALETTE[2], xs, ys, false));
        if (run.askedRate() > 0 && xs.length > 0) {
            double[] asked = new double[xs.length];
            java.util.Arrays.fill(asked, run.askedRate());
            series.add(new Svg.Series("asked rate", PALETTE[7], xs, asked, true));
        }
        return Svg.lines("Throughput over time", "seconds", "requests per second", series, null);
    }

    static String statuses(RunData run) {
        List<String> labels = new ArrayList<>();
        List<Long> values = new ArrayList<>();
        List<String> colors = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : run.statuses().entrySet()) {
            labels.add(Integer.toString(e.getKey()));
            values.add(e.getValue());
            int klass = e.getKey() / 100;
            colors.add(klass == 2 ? "#2ca02c" : klass == 3 ? "#1f77b4" : klass == 4 ? "#ff7f0e" : "#d62728");
        }
        for (Map.Entry<String, Long> e : run.errors().entrySet()) {
            labels.add(e.getKey().toLowerCase(Locale.ROOT));
            values.add(e.getValue());
            colors.add("#7f7f7f");
        }
        return Svg.bars("Status codes and errors", labels, values, colors);
    }
}
