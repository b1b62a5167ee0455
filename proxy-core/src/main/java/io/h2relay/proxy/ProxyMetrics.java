package io.h2relay.proxy;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Figures the connection actors keep for the metrics layer to read (any thread). The buffered-bytes gauge counts DATA
 * bytes the proxy received and has not yet credited back to their sender: bytes held inside the proxy, which flow
 * control bounds by {@code h2relay.flow-control} per stream and per connection.
 */
public final class ProxyMetrics {

    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicLong peakConnectionBufferedBytes = new AtomicLong();
    private final AtomicLong peakStreamBufferedBytes = new AtomicLong();
    private final AtomicLong downstreamConnections = new AtomicLong();
    private final AtomicLong upstreamConnections = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder localResponses = new LongAdder();
    private final LongAdder exchanges = new LongAdder();

    /** Bytes held now, over all connections of both sides. */
    public long bufferedBytes() {
        return bufferedBytes.get();
    }

    /** The most any one connection (either side) has held at once since start. */
    public long peakConnectionBufferedBytes() {
        return peakConnectionBufferedBytes.get();
    }

    /** The most any one stream has held at once since start. */
    public long peakStreamBufferedBytes() {
        return peakStreamBufferedBytes.get();
    }

    public long downstreamConnections() {
        return downstreamConnections.get();
    }

    public long upstreamConnections() {
        return upstreamConnections.get();
    }

    /** Requests received from clients. */
    public long requests() {
        return requests.sum();
    }

    /** Requests sent again after a backend refused them or went away before processing them. */
    public long retries() {
        return retries.sum();
    }

    /** Exchanges that ended, whatever the way. */
    public long exchanges() {
        return exchanges.sum();
    }

    /** Answers the proxy made itself (404, 502, 503, 504). */
    public long localResponses() {
        return localResponses.sum();
    }

    /**
     * A connection's held bytes changed by {@code delta} to {@code connectionTotal}; the stream concerned now holds
     * {@code streamTotal}.
     */
    void buffered(long delta, long connectionTotal, long streamTotal) {
        bufferedBytes.addAndGet(delta);
        if (delta > 0) {
            raise(peakConnectionBufferedBytes, connectionTotal);
            raise(peakStreamBufferedBytes, streamTotal);
        }
    }

    void connectionOpened(boolean downstream) {
        (downstream ? downstreamConnections : upstreamConnections).incrementAndGet();
    }

    void connectionClosed(boolean downstream) {
        (downstream ? downstreamConnections : upstreamConnections).decrementAndGet();
    }

    void request() {
        requests.increment();
    }

    void retry() {
        retries.increment();
    }

    void localResponse() {
        localResponses.increment();
    }

    /** A Stream ended after {@code durationNanos}; {@code trace} says how. */
    void exchangeEnded(ExchangeTrace trace, long durationNanos) {
        exchanges.increment();
    }

    private static void raise(AtomicLong peak, long value) {
        long current = peak.get();
        while (value > current && !peak.compareAndSet(current, value)) {
            current = peak.get();
        }
    }
}
