package io.h2relay.app.replay;

import java.time.Instant;
import java.util.List;

/** When each request of a replay is due. */
public sealed interface Schedule {

    /**
     * Open model at a fixed arrival rate, reached after an optional ramp: requests are due whatever the target's
     * speed, so a slow target shows as latency (measured from the due time) instead of a lower rate.
     *
     * @param perSecond the rate after the ramp
     * @param rampNanos how long the rate takes to climb from 0 (0: no ramp)
     * @param rampSteps 0: a linear climb; n: n equal steps of {@code perSecond * i / n}
     */
    record OpenRate(double perSecond, long rampNanos, int rampSteps) implements Schedule {
        public OpenRate {
            if (!(perSecond > 0)) {
                throw new IllegalArgumentException("the rate must be above 0");
            }
            if (rampNanos < 0 || rampSteps < 0) {
                throw new IllegalArgumentException("negative ramp");
            }
        }

        /** Nanoseconds after the start at which request {@code k} (from 0) is due. */
        public long dueNanos(long k) {
            double seconds;
            double ramp = rampNanos / 1e9;
            if (ramp == 0) {
                seconds = k / perSecond;
            } else if (rampSteps == 0) {
                // Linear climb: N(t) = r·t²/(2·R) requests by t < R, so request k is due at sqrt(2·R·k/r).
                double inRamp = perSecond * ramp / 2;
                seconds = k < inRamp ? Math.sqrt(2 * ramp * k / perSecond) : ramp + (k - inRamp) / perSecond;
            } else {
                double step = ramp / rampSteps;
                double before = 0;
                seconds = -1;
                for (int i = 1; i <= rampSteps && seconds < 0; i++) {
                    double rate = perSecond * i / rampSteps;
                    double inStep = rate * step;
                    if (k < before + inStep) {
                        seconds = (i - 1) * step + (k - before) / rate;
                    }
                    before += inStep;
                }
                if (seconds < 0) {
                    seconds = ramp + (k - before) / perSecond;
                }
            }
            return (long) (seconds * 1e9);
        }
    }

    /**
     * Open model following the recording's own timing, sped up by {@code speed}; after the last entry the
     * recording starts over one mean gap later.
     *
     * @param offsetsNanos each plan entry's start relative to the first, in plan order (ascending)
     */
    record Recorded(double speed, long[] offsetsNanos) implements Schedule {
        public Recorded {
            if (!(speed > 0)) {
                throw new IllegalArgumentException("the speed must be above 0");
            }
            if (offsetsNanos.length == 0) {
                throw new IllegalArgumentException("nothing to replay");
            }
        }

        /** Offsets of requests recorded at {@code started} (nulls count as the earliest). */
        public static long[] offsets(List<Instant> started) {
            Instant first = started.stream().filter(s -> s != null).min(Instant::compareTo).orElse(Instant.EPOCH);
            long[] out = new long[started.size()];
            for (int i = 0; i < out.length; i++) {
                Instant s = started.get(i);
                out[i] = s == null ? 0 : Math.max(0, java.time.Duration.between(first, s).toNanos());
            }
            return out;
        }

        public long dueNanos(long k) {
            int n = offsetsNanos.length;
            long span = offsetsNanos[n - 1];
            long cycle = span + (n > 1 ? Math.max(1, span / (n - 1)) : 1_000_000_000L);
            return (long) (((k / n) * (double) cycle + offsetsNanos[(int) (k % n)]) / speed);
        }
    }

    /** Closed model: {@code concurrency} requests in flight, each sent when one finishes. */
    record Closed(int concurrency) implements Schedule {
        public Closed {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
        }
    }
}
