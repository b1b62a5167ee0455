package io.h2relay.proxy;

/**
 * The bytes one connection received and has not yet credited back to their sender (the flow-control window it
 * keeps closed, RFC 9113 §5.2), in total and per exchange, kept in step with the buffered-bytes gauge.
 */
final class HeldBytes {

    private final ProxyMetrics metrics;
    private long total;

    HeldBytes(ProxyMetrics metrics) {
        this.metrics = metrics;
    }

    /** {@code n} more bytes held for an exchange that held {@code unacked}; what the exchange holds now. */
    long hold(long unacked, int n) {
        total += n;
        metrics.buffered(n, total, unacked + n);
        return unacked + n;
    }

    /** {@code n} bytes credited back for an exchange that held {@code unacked}; what the exchange holds now. */
    long unhold(long unacked, int n) {
        total -= n;
        metrics.buffered(-n, total, unacked - n);
        return unacked - n;
    }

    /** Drops everything from the gauge: another connection actor takes the bytes over. */
    void clear() {
        metrics.buffered(-total, 0, 0);
        total = 0;
    }
}
