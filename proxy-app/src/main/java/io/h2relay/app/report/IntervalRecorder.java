package io.h2relay.app.report;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Records latencies from many threads and cuts them into {@link Interval}s. Each tag has an HdrHistogram
 * {@link Recorder} (wait-free recording; {@link #rotate} swaps its histogram without stopping writers). Values are
 * microseconds.
 */
public final class IntervalRecorder {

    private final Map<String, Recorder> recorders = new ConcurrentHashMap<>();
    private long intervalStartMs;

    public IntervalRecorder(long startMs) {
        this.intervalStartMs = startMs;
    }

    /** One finished request: its latency from the intended and from the actual send time, and its result tag. */
    public void record(long correctedMicros, long uncorrectedMicros, String resultTag) {
        recorder(Interval.CORRECTED).recordValue(Math.max(0, correctedMicros));
        recorder(Interval.UNCORRECTED).recordValue(Math.max(0, uncorrectedMicros));
        recorder(resultTag).recordValue(Math.max(0, correctedMicros));
    }

    /** Closes the interval that began at the last rotation (or the start) at {@code nowMs}. */
    public synchronized Interval rotate(long nowMs) {
        Map<String, Histogram> byTag = new HashMap<>();
        for (Map.Entry<String, Recorder> e : recorders.entrySet()) {
            Histogram h = e.getValue().getIntervalHistogram();
            if (h.getTotalCount() > 0) {
                byTag.put(e.getKey(), h);
            }
        }
        Interval interval = new Interval(intervalStartMs, nowMs, byTag);
        intervalStartMs = nowMs;
        return interval;
    }

    private Recorder recorder(String tag) {
        Recorder r = recorders.get(tag);
        return r != null ? r : recorders.computeIfAbsent(tag, t -> new Recorder(3));
    }
}
