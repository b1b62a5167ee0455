package io.h2relay.app.report;

import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** The plain-text summary printed at the end of a replay and by {@code report}. */
public final class TextReport {

    /** The percentiles every report shows. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};

    private TextReport() {}

    public static String render(RunData run) {
        StringBuilder b = new StringBuilder();
        Histogram corrected = run.total(Interval.CORRECTED);
        Histogram uncorrected = run.total(Interval.UNCORRECTED);
        double seconds = (run.endMs() - run.startMs()) / 1000.0;
        line(b, "run", run.title());
        line(b, "requests", run.requests() + " in " + fmt(seconds) + " s"
                + (run.askedRate() > 0 ? ", asked " + fmt(run.askedRate()) + "/s" : ""));
        line(b, "throughput", fmt(run.throughput()) + " req/s");
        line(b, "bytes", "sent " + run.bytesSent() + ", received " + run.bytesReceived()
                + " (" + fmt(seconds > 0 ? run.bytesReceived() / seconds / 1024 : 0) + " KiB/s)");
        StringBuilder statuses = new StringBuilder();
        for (Map.Entry<Integer, Long> e : run.statuses().entrySet()) {
            statuses.append(statuses.isEmpty() ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
        }
        line(b, "status", statuses.isEmpty() ? "none" : statuses.toString());
        StringBuilder errors = new StringBuilder();
        for (Map.Entry<String, Long> e : run.errors().entrySet()) {
            errors.append(errors.isEmpty() ? "" : ", ").append(e.getKey()).append(": ").append(e.getValue());
        }
        line(b, "errors", errors.isEmpty() ? "none" : errors.toString());
        b.append(String.format(Locale.ROOT, "%-12s %12s %12s%n", "latency ms", "corrected", "uncorrected"));
        for (double p : PERCENTILES) {
            b.append(String.format(Locale.ROOT, "%-12s %12s %12s%n", "p" + trim(p), ms(corrected, p),
                    ms(uncorrected, p)));
        }
        b.append(String.format(Locale.ROOT, "%-12s %12s %12s%n", "max", ms(corrected.getMaxValue()),
                ms(uncorrected.getMaxValue())));
        return b.toString();
    }

    static String ms(Histogram h, double percentile) {
        return h.getTotalCount() == 0 ? "-" : ms(h.getValueAtPercentile(percentile));
    }

    static String ms(long micros) {
        return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
    }

    static String trim(double p) {
        return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format(Locale.ROOT, "%-12s %s%n", key, value));
    }
}
