package io.h2relay.proxy;

import io.h2relay.engine.AbuseCounters;
import io.h2relay.frame.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The proxy's meters, in a Micrometer registry (the application passes a Prometheus one; tests read them back). The
 * connection actors (and the Streams they host) call the package-private methods below on their own threads; meters
 * are cached per tag set, so a call costs a map probe and an atomic add.
 *
 * <p>Names follow Micrometer's conventions (dotted, base units), so Prometheus shows {@code h2relay_requests_seconds},
 * {@code h2relay_downstream_connections_accepted_total} and so on. Tag values stay bounded: routes and clusters come
 * from the configuration, statuses are classes ({@code 2xx}), error codes are RFC 9113's names, protocols and TLS
 * versions are the handful that exist.
 *
 * <p>The buffered-bytes gauge counts DATA bytes the proxy received and has not yet credited back to their sender:
 * bytes held inside the proxy, which flow control bounds by {@code h2relay.flow-control} per stream and connection.
 *
 * <p>Entry points for connection actors of any protocol: {@link #downstreamOpened}/{@link #downstreamClosed},
 * {@link #upstreamOpened}/{@link #upstreamClosed}, {@link #streamReset}, {@link #flowControlStall},
 * {@link #abuse}.
 */
public final class ProxyMetrics {

    /** Request duration buckets (seconds): SLO boundaries, so every route gets the same 16 buckets. */
    static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300)};

    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    /** Side tags: the client's connection or a backend's. */
    public static final String CLIENT = "client";
    public static final String BACKEND = "backend";

    private final MeterRegistry registry;

    private final AtomicLong bufferedBytes = new AtomicLong();
    private final AtomicLong peakConnectionBufferedBytes = new AtomicLong();
    private final AtomicLong peakStreamBufferedBytes = new AtomicLong();
    private final AtomicLong downstreamConnections = new AtomicLong();
    private final AtomicLong upstreamConnections = new AtomicLong();
    private final AtomicLong openStreams = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder localResponses = new LongAdder();
    private final LongAdder exchanges = new LongAdder();

    private final Counter streamsTotal;
    private final Counter requestBody;
    private final Counter responseBody;
    private final Map<String, AtomicLong> openByProtocol = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> openByCluster = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> pendingByCluster = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    /** Route → cluster → timer per status class: two probes, no key built per exchange. */
    private final Map<String, Map<String, Timer[]>> requestTimers = new ConcurrentHashMap<>();
    private final Counter[] outcomes = new Counter[ExchangeRecord.Outcome.values().length];
    /** By side (client, backend) and window (stream, connection). */
    private final Counter[] stalls = new Counter[4];
    private final Map<String, Timer> upstreamTimers = new ConcurrentHashMap<>();
    private final Map<String, EndpointHealth> health = new ConcurrentHashMap<>();

    /** Meters in a registry of their own (tests, embedding without a metrics backend). */
    public ProxyMetrics() {
        this(new SimpleMeterRegistry());
    }

    public ProxyMetrics(MeterRegistry registry) {
        this.registry = registry;
        gauge("h2relay.buffered", "DATA bytes received and not yet credited back to their sender", bufferedBytes,
                "bytes");
        gauge("h2relay.buffered.peak.connection", "the most one connection has held at once", 
                peakConnectionBufferedBytes, "bytes");
        gauge("h2relay.buffered.peak.stream", "the most one stream has held at once", peakStreamBufferedBytes,
                "bytes");
        gauge("h2relay.streams.open", "client streams under way (one per exchange)", openStreams, null);
        streamsTotal = Counter.builder("h2relay.streams").description("client streams (exchanges) started")
                .register(registry);
        requestBody = Counter.builder("h2relay.request.body").baseUnit("bytes")
                .description("request body bytes received from clients").register(registry);
        responseBody = Counter.builder("h2relay.response.body").baseUnit("bytes")
                .description("response body bytes sent to clients").register(registry);
    }

    /** Where the meters are. */
    public MeterRegistry registry() {
        return registry;
    }

    // ---- figures for tests and the admin endpoints ----------------------------------------------------------------

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

    /** Answers the proxy made itself (404, 502, 503, 504). */
    public long localResponses() {
        return localResponses.sum();
    }

    /** Exchanges that ended, whatever the way. */
    public long exchanges() {
        return exchanges.sum();
    }

    // ---- connections ------------------------------------------------------------------------------------------

    /**
     * A client connection's protocol is known.
     *
     * @param protocol "h2", "h2c" or "http/1.1"
     * @param tlsVersion "TLSv1.3", "TLSv1.2", ... or null on cleartext
     * @param alpn the protocol ALPN settled on, or null/empty when none was negotiated
     */
    public void downstreamOpened(String protocol, String tlsVersion, String alpn) {
        downstreamConnections.incrementAndGet();
        open(openByProtocol, "h2relay.downstream.connections.open", "protocol", protocol,
                "client connections open").incrementAndGet();
        counter("h2relay.downstream.connections.accepted", "client connections accepted", "protocol", protocol,
                "tls", tlsVersion == null || tlsVersion.isEmpty() ? "none" : tlsVersion,
                "alpn", alpn == null || alpn.isEmpty() ? "none" : alpn).increment();
    }

    /** A client connection opened with {@link #downstreamOpened} ended. */
    public void downstreamClosed(String protocol) {
        downstreamConnections.decrementAndGet();
        open(openByProtocol, "h2relay.downstream.connections.open", "protocol", protocol,
                "client connections open").decrementAndGet();
    }

    /** A connection to a backend of {@code cluster} is being made. */
    public void upstreamOpened(String cluster) {
        upstreamConnections.incrementAndGet();
        open(openByCluster, "h2relay.upstream.connections.open", "cluster", cluster, "backend connections open")
                .incrementAndGet();
        counter("h2relay.upstream.connections.opened", "backend connections attempted", "cluster", cluster)
                .increment();
    }

    public void upstreamClosed(String cluster) {
        upstreamConnections.decrementAndGet();
        open(openByCluster, "h2relay.upstream.connections.open", "cluster", cluster, "backend connections open")
                .decrementAndGet();
    }

    /** A connection to a backend of {@code cluster} could not be made (refused, unreachable, timed out). */
    public void connectFailed(String cluster) {
        counter("h2relay.upstream.connect.failures", "backend connections that could not be made", "cluster",
                cluster).increment();
    }

    /** The pool of {@code cluster} reports its endpoints' health here (a reload's new pool replaces the old). */
    void cluster(String cluster, EndpointHealth endpoints) {
        if (health.put(cluster, endpoints) == null) {
            Gauge.builder("h2relay.cluster.endpoints.healthy", health,
                    h -> h.containsKey(cluster) ? h.get(cluster).healthyCount() : 0)
                    .description("endpoints not in back-off after a failed connection").tags("cluster", cluster)
                    .strongReference(true).register(registry);
        }
    }

    /** Endpoints of {@code cluster} not in back-off; -1 for a cluster without a pool. */
    public int healthyEndpoints(String cluster) {
        EndpointHealth h = health.get(cluster);
        return h == null ? -1 : h.healthyCount();
    }

    /** Requests of {@code cluster} waiting for a stream, now. */
    void pending(String cluster, int queued) {
        open(pendingByCluster, "h2relay.pool.pending", "cluster", cluster,
                "requests waiting for a backend stream").set(queued);
    }

    // ---- streams and frames -------------------------------------------------------------------------------------

    /**
     * A stream was reset.
     *
     * @param side {@link #CLIENT} or {@link #BACKEND}: on which connection
     * @param received true when the peer reset it, false when the proxy did
     */
    public void streamReset(String side, boolean received, int errorCode) {
        ErrorCode known = ErrorCode.of(errorCode);
        counter("h2relay.stream.resets", "RST_STREAM frames, by connection side, direction and error code",
                "side", side, "direction", received ? "received" : "sent",
                "code", known == null ? "unknown" : known.name()).increment();
    }

    /** A stream (or the whole connection, {@code connectionWindow}) had data to send and no window. */
    public void flowControlStall(String side, boolean connectionWindow) {
        int i = (side.equals(CLIENT) ? 0 : 2) + (connectionWindow ? 1 : 0);
        Counter c = stalls[i];
        if (c == null) {
            c = counter("h2relay.flow.control.stalls", "times data waited for a flow-control window", "side", side,
                    "window", connectionWindow ? "connection" : "stream");
            stalls[i] = c;
        }
        c.increment();
    }

    /**
     * A connection ended: count what its engine refused or tripped on. Trips end the connection with
     * GOAWAY(ENHANCE_YOUR_CALM); refused streams and oversized header lists are refused one stream at a time.
     */
    public void abuse(String side, AbuseCounters counters) {
        if (counters.trippedLimit() != null) {
            trip(side, AbuseKind.of(counters.trippedLimit()), 1);
        }
        trip(side, "refused_stream", counters.refusedStreams());
        trip(side, "header_list_too_large", counters.oversizedHeaderLists());
    }

    private void trip(String side, String kind, long n) {
        if (n > 0) {
            counter("h2relay.abuse.trips", "abuse limits tripped, by kind", "side", side, "kind", kind)
                    .increment(n);
        }
    }

    /** A timer ran out: {@code kind} is request, idle, drain or abort. */
    public void timeout(String side, String kind) {
        counter("h2relay.timeouts", "timers that ran out", "side", side, "kind", kind).increment();
    }

    // ---- exchanges ----------------------------------------------------------------------------------------------

    void streamStarted() {
        openStreams.incrementAndGet();
        streamsTotal.increment();
    }

    /** A Stream ended after {@code durationNanos}; {@code trace} says how. */
    void exchangeEnded(ExchangeTrace trace, long durationNanos) {
        openStreams.decrementAndGet();
        exchanges.increment();
        String route = trace.route == null ? "none" : trace.route;
        String cluster = trace.cluster == null ? "none" : trace.cluster;
        int statusClass = trace.status >= 100 && trace.status < 600 ? trace.status / 100 : 0;
        Timer[] timers = requestTimers.computeIfAbsent(route, r -> new ConcurrentHashMap<>())
                .computeIfAbsent(cluster, c -> new Timer[STATUS_CLASSES.length]);
        Timer t = timers[statusClass];
        if (t == null) {
            t = Timer.builder("h2relay.requests").description("exchanges, by route, cluster and status class")
                    .tags("route", route, "cluster", cluster, "status", STATUS_CLASSES[statusClass])
                    .serviceLevelObjectives(BUCKETS).register(registry);
            timers[statusClass] = t;
        }
        t.record(durationNanos, TimeUnit.NANOSECONDS);
        int o = trace.outcome.ordinal();
        Counter outcome = outcomes[o];
        if (outcome == null) {
            outcome = counter("h2relay.exchanges", "exchanges by how they ended", "outcome",
                    trace.outcome.name().toLowerCase(Locale.ROOT));
            outcomes[o] = outcome;
        }
        outcome.increment();
        if (trace.upstreamNanos >= 0) {
            upstreamTimers.computeIfAbsent(cluster, c -> Timer.builder("h2relay.upstream.time")
                    .description("request head sent to a backend to its response head").tags("cluster", c)
                    .serviceLevelObjectives(BUCKETS).register(registry))
                    .record(trace.upstreamNanos, TimeUnit.NANOSECONDS);
        }
        requestBody.increment(trace.requestBodyBytes);
        responseBody.increment(trace.responseBodyBytes);
        if (trace.outcome == ExchangeRecord.Outcome.TIMEOUT) {
            timeout(BACKEND, "request");
        }
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

    void request() {
        requests.increment();
    }

    void retry(String cluster) {
        retries.increment();
        counter("h2relay.retries", "requests sent again after a backend did not process them", "cluster", cluster)
                .increment();
    }

    void localResponse() {
        localResponses.increment();
    }

    // ---- meters -------------------------------------------------------------------------------------------------

    private void gauge(String name, String description, AtomicLong value, String unit) {
        Gauge.builder(name, value, AtomicLong::get).description(description).baseUnit(unit).strongReference(true)
                .register(registry);
    }

    private AtomicLong open(Map<String, AtomicLong> values, String name, String tag, String value,
            String description) {
        AtomicLong v = values.get(value);
        if (v != null) {
            return v;
        }
        return values.computeIfAbsent(value, k -> {
            AtomicLong created = new AtomicLong();
            Gauge.builder(name, created, AtomicLong::get).description(description).tags(tag, k)
                    .strongReference(true).register(registry);
            return created;
        });
    }

    private Counter counter(String name, String description, String... tags) {
        StringBuilder key = new StringBuilder(name);
        for (String t : tags) {
            key.append('\0').append(t);
        }
        String k = key.toString();
        Counter c = counters.get(k);
        if (c != null) {
            return c;
        }
        return counters.computeIfAbsent(k, x -> Counter.builder(name).description(description).tags(Tags.of(tags))
                .register(registry));
    }

    private static void raise(AtomicLong peak, long value) {
        long current = peak.get();
        while (value > current && !peak.compareAndSet(current, value)) {
            current = peak.get();
        }
    }

    /** The abuse limits by the reason text the engine gives them ({@link AbuseCounters#trippedLimit()}). */
    static final class AbuseKind {

        private static final String[][] PREFIXES = {
            {"rapid reset", "rapid_reset"},
            {"too many stream errors", "peer_caused_resets"},
            {"too many refused streams", "refused_streams"},
            {"PING flood", "ping_flood"},
            {"SETTINGS frame with", "settings_size"},
            {"SETTINGS flood", "settings_flood"},
            {"empty frame flood", "empty_frames"},
            {"WINDOW_UPDATE flood", "window_update_flood"},
            {"PRIORITY flood", "priority_flood"},
            {"extension frame flood", "extension_frames"},
            {"header list flood", "header_list_flood"},
            {"CONTINUATION flood", "continuation_flood"},
            {"header block over", "header_block_size"},
        };

        private AbuseKind() {}

        static String of(String reason) {
            for (String[] p : PREFIXES) {
                if (reason.startsWith(p[0])) {
                    return p[1];
                }
            }
            return reason.contains("control frames waiting") ? "control_frame_queue" : "other";
        }
    }
}
