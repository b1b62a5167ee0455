package io.h2relay.app.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One run (or several shards merged) as the reports see it.
 *
 * @param title what ran, e.g. the HAR file and target
 * @param intervals in time order
 * @param bytesSent request body bytes
 * @param bytesReceived response body bytes (as received, before any content decoding)
 * @param askedRate the open model's arrival rate per second, or 0 when there was none
 */
public record RunData(String title, List<Interval> intervals, long bytesSent, long bytesReceived, double askedRate) {

    public RunData {
        intervals = intervals.stream().sorted(Comparator.comparingLong(Interval::startMs)).toList();
    }

    /** All intervals' histograms of {@code tag} added up (empty when none had it). */
    public Histogram total(String tag) {
        Histogram sum = new Histogram(3);
        for (Interval i : intervals) {
            Histogram h = i.get(tag);
            if (h != null) {
                sum.add(h);
            }
        }
        return sum;
    }

    public long requests() {
        return total(Interval.CORRECTED).getTotalCount();
    }

    public long startMs() {
        return intervals.isEmpty() ? 0 : intervals.get(0).startMs();
    }

    public long endMs() {
        return intervals.stream().mapToLong(Interval::endMs).max().orElse(startMs());
    }

    /** Completed requests per second over the whole run. */
    public double throughput() {
        long ms = endMs() - startMs();
        return ms <= 0 ? 0 : requests() * 1000.0 / ms;
    }

    /** Counts by status code, ascending. */
    public Map<Integer, Long> statuses() {
        Map<Integer, Long> out = new TreeMap<>();
        for (String tag : tags(Interval.STATUS)) {
            out.put(Integer.parseInt(tag.substring(Interval.STATUS.length())), total(tag).getTotalCount());
        }
        return out;
    }

    /** Counts by error kind. */
    public Map<String, Long> errors() {
        Map<String, Long> out = new TreeMap<>();
        for (String tag : tags(Interval.ERROR)) {
            out.put(tag.substring(Interval.ERROR.length()), total(tag).getTotalCount());
        }
        return out;
    }

    public long errorCount() {
        return errors().values().stream().mapToLong(Long::longValue).sum();
    }

    private List<String> tags(String prefix) {
        List<String> out = new ArrayList<>();
        for (Interval i : intervals) {
            for (String t : i.byTag().keySet()) {
                if (t.startsWith(prefix) && !out.contains(t)) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
