package io.h2relay.app.report;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one stretch of a run recorded: latency histograms in microseconds, by tag. The tags are
 * {@value #CORRECTED} (every request, measured from its intended send time), {@value #UNCORRECTED} (from the time
 * it was actually sent), {@code status-NNN} (corrected latency of the responses with that status) and
 * {@code error-KIND} (requests that failed that way). A histogram's count is the number of requests, so status and
 * error counts, and throughput over time, come out of the same data that {@code .hlog} files carry.
 *
 * @param startMs epoch milliseconds
 * @param endMs epoch milliseconds
 */
public record Interval(long startMs, long endMs, Map<String, Histogram> byTag) {

    public static final String CORRECTED = "corrected";
    public static final String UNCORRECTED = "uncorrected";
    public static final String STATUS = "status-";
    public static final String ERROR = "error-";

    public Interval {
        byTag = new TreeMap<>(byTag);
    }

    /** The corrected histogram's count: requests completed (or failed) in this interval. */
    public long count() {
        Histogram h = byTag.get(CORRECTED);
        return h == null ? 0 : h.getTotalCount();
    }

    public Histogram get(String tag) {
        return byTag.get(tag);
    }
}
