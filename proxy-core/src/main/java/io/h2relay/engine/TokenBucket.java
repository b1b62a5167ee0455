package io.h2relay.engine;

/**
 * A {@link RateLimit} in use. Time comes from the caller in nanoseconds (any monotonic origin); a clock that does not
 * move refills nothing, so without time the budget is a plain count.
 */
final class TokenBucket {

    private final RateLimit limit;
    private double tokens;
    private long lastNanos;
    private boolean started;

    TokenBucket(RateLimit limit) {
        this.limit = limit;
        this.tokens = limit.burst();
    }

    /** Takes one token; false when the budget is spent. */
    boolean take(long nowNanos) {
        refill(nowNanos);
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }

    /** Gives a token back (h2o's reset budget: a stream that completes normally earns one). */
    void credit() {
        tokens = Math.min(limit.burst(), tokens + 1);
    }

    private void refill(long nowNanos) {
        if (!started) {
            started = true;
            lastNanos = nowNanos;
            return;
        }
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(limit.burst(), tokens + elapsed * (double) limit.perSecond() / 1_000_000_000L);
            lastNanos = nowNanos;
        }
    }
}
