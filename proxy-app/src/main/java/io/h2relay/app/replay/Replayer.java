package io.h2relay.app.replay;

import io.h2relay.app.report.Interval;
import io.h2relay.app.report.IntervalRecorder;
import io.h2relay.app.report.RunData;
import io.h2relay.client.ClientConfig;
import io.h2relay.client.ClientConnection;
import io.h2relay.client.ConnectMode;
import io.h2relay.client.ConnectionException;
import io.h2relay.client.H2Client;
import io.h2relay.client.Headers;
import io.h2relay.client.Request;
import io.h2relay.client.RequestNotProcessedException;
import io.h2relay.client.Response;
import io.h2relay.client.StreamResetException;
import io.h2relay.frame.ErrorCode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;
import org.HdrHistogram.Histogram;

/**
 * Sends a plan of recorded requests at a target as a {@link Schedule} says, over {@code connections} connections
 * of {@link io.h2relay.client} with at most {@code streamsPerConnection} requests in flight on each.
 *
 * <p>One dispatcher thread walks the requests in order. In the open models it waits for each request's due time
 * and then for a free stream; either way the latency is measured from the due time (the correction for
 * coordinated omission that wrk2 makes): a target that stalls holds back the dispatcher, and every request that
 * should have gone out meanwhile counts the stall in its latency. The latency from the actual send is kept too
 * ({@link Interval#UNCORRECTED}) to show the difference. In the closed model the due time is when a stream
 * becomes free. Every second the histograms are cut into an {@link Interval} and handed to the listener.
 */
public final class Replayer {

    /**
     * @param target where requests go; its scheme picks the protocol ({@link ConnectMode#forScheme}) unless
     *     {@code mode} is given
     * @param duration stop sending after this long (null: no limit)
     * @param iterations stop after this many passes over the plan (0: no limit; with no duration either, 1)
     * @param timeout a request not answered (body included) within it fails as "timeout"
     * @param responses when not null, each exchange's response body is read whole and passed here (for checking
     *     what the target answered); otherwise bodies are read and dropped
     */
    public record Options(URI target, ConnectMode mode, ClientConfig client, int connections,
            int streamsPerConnection, Schedule schedule, Duration duration, long iterations, Duration timeout,
            Rewrite rewrite, Consumer<Replayed> responses) {
        public Options {
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(schedule, "schedule");
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(rewrite, "rewrite");
            mode = mode != null ? mode : ConnectMode.forScheme(target);
            client = client != null ? client : ClientConfig.builder().acceptEncoding(false).userAgent(null).build();
            if (connections < 1 || streamsPerConnection < 1) {
                throw new IllegalArgumentException("connections and streams per connection must be at least 1");
            }
            if (iterations < 0) {
                throw new IllegalArgumentException("iterations must not be negative");
            }
        }

        long totalRequests(int planSize) {
            if (iterations > 0) {
                return iterations * planSize;
            }
            return duration == null ? planSize : Long.MAX_VALUE;
        }
    }

    /** One replayed exchange, for {@link Options#responses}. Status 0 and a non-null error when it failed. */
    public record Replayed(ReplayRequest recorded, Request sent, Instant started, long nanos, int status,
            Headers headers, byte[] body, String protocol, int streamId, String error) {}

    /** What the listener sees each second. */
    public record Progress(long sent, long completed, long errors, double ratePerSecond, long p50Micros,
            long p99Micros, Duration elapsed, Duration left) {}

    /** Told each second, and once more at the end, on the replayer's ticker thread. */
    public interface Listener {
        void interval(Interval interval, Progress progress);
    }

    private final List<ReplayRequest> plan;
    private final Options options;
    private final Listener listener;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder bytesReceived = new LongAdder();
    private final Map<String, String> firstErrors = new ConcurrentHashMap<>();
    private final Histogram soFar = new Histogram(3);
    private final List<Interval> intervals = new ArrayList<>();
    private IntervalRecorder recorder;
    private long startNanos;

    public Replayer(List<ReplayRequest> plan, Options options, Listener listener) {
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("nothing to replay: no requests in the plan");
        }
        this.plan = List.copyOf(plan);
        this.options = options;
        this.listener = listener;
    }

    /** Runs the replay to its end; blocks. */
    public RunData run() throws InterruptedException {
        int perConnection = options.streamsPerConnection();
        int capacity = options.connections() * perConnection;
        if (options.schedule() instanceof Schedule.Closed closed) {
            capacity = Math.min(capacity, closed.concurrency());
        }
        Semaphore permits = new Semaphore(capacity);
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "h2relay-replay-ticker");
            t.setDaemon(true);
            return t;
        });
        try (H2Client client = H2Client.create(options.client())) {
            Slot[] slots = new Slot[options.connections()];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(client);
            }
            // Connections open before the clock starts: the client's start-up is not the target's latency. One
            // that fails here is retried by the first request that needs it (and counted then).
            for (Slot s : slots) {
                try {
                    s.connection().get(options.client().connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
                } catch (ExecutionException | TimeoutException e) {
                    // Reported per request.
                }
            }
            startNanos = System.nanoTime();
            recorder = new IntervalRecorder(System.currentTimeMillis());
            ticker.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
            dispatch(slots, permits);
            // Everything sent has finished (or timed out) once every permit is back.
            long grace = options.timeout().toMillis() + 5000;
            if (!permits.tryAcquire(capacity, grace, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("requests still in flight " + grace + " ms after the last was sent");
            }
            // The last interval ends with the last response, not after the connections' goodbye.
            ticker.shutdown();
            ticker.awaitTermination(5, TimeUnit.SECONDS);
            tick();
        } finally {
            ticker.shutdownNow();
        }
        return new RunData(options.target().toString(), intervals, bytesSent.sum(), bytesReceived.sum(),
                options.schedule() instanceof Schedule.OpenRate r ? r.perSecond() : 0);
    }

    private void dispatch(Slot[] slots, Semaphore permits) throws InterruptedException {
        long total = options.totalRequests(plan.size());
        long limit = options.duration() == null ? Long.MAX_VALUE : options.duration().toNanos();
        Schedule schedule = options.schedule();
        for (long k = 0; k < total; k++) {
            long due;
            if (schedule instanceof Schedule.Closed) {
                permits.acquire();
                due = System.nanoTime();
                if (due - startNanos >= limit) {
                    permits.release();
                    return;
                }
            } else {
                long offset = schedule instanceof Schedule.OpenRate r ? r.dueNanos(k)
                        : ((Schedule.Recorded) schedule).dueNanos(k);
                if (offset >= limit) {
                    return;
                }
                due = startNanos + offset;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                // Waiting here for a stream delays later sends; their latency still counts from their due time.
                permits.acquire();
            }
            send(plan.get((int) (k % plan.size())), due, least(slots), permits);
        }
    }

    private static Slot least(Slot[] slots) {
        Slot best = slots[0];
        for (Slot s : slots) {
            if (s.inFlight.get() < best.inFlight.get()) {
                best = s;
            }
        }
        return best;
    }

    private void send(ReplayRequest recorded, long dueNanos, Slot slot, Semaphore permits) {
        Request request = options.rewrite().apply(recorded);
        slot.inFlight.incrementAndGet();
        sent.incrementAndGet();
        bytesSent.add(recorded.body().length);
        Instant startedAt = Instant.now();
        long sentNanos = System.nanoTime();
        AtomicReference<Response> head = new AtomicReference<>();
        AtomicReference<CompletableFuture<Response>> pending = new AtomicReference<>();
        // Set once the request failed (timed out): whatever is still under way for it is then withdrawn. Each side
        // sets its own reference before checking the other's, so no interleaving leaves a request running.
        AtomicBoolean abandoned = new AtomicBoolean();
        AtomicReference<ClientConnection> used = new AtomicReference<>();
        boolean keep = options.responses() != null;
        slot.connection()
                .thenCompose(c -> {
                    used.set(c);
                    CompletableFuture<Response> sending = c.send(request).toCompletableFuture();
                    pending.set(sending);
                    if (abandoned.get()) {
                        sending.cancel(false);
                    }
                    return sending;
                })
                .thenCompose(r -> {
                    head.set(r);
                    if (abandoned.get()) {
                        r.close();
                    }
                    return keep ? r.bytes(false) : r.discard().thenApply(n -> {
                        bytesReceived.add(n);
                        return null;
                    });
                })
                .toCompletableFuture()
                .orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((body, failure) -> {
                    long now = System.nanoTime();
                    Response r = head.get();
                    String error = null;
                    String tag;
                    if (failure != null) {
                        // A timed-out request is cancelled on the wire, not left to finish unseen: before its head
                        // by cancelling the send (RST_STREAM CANCEL, or the HTTP/1.1 connection closed), after it
                        // by closing the response, which does the same while the body is unfinished.
                        abandoned.set(true);
                        CompletableFuture<Response> sending = pending.get();
                        if (sending != null) {
                            sending.cancel(false);
                        }
                        if (r != null) {
                            r.close();
                        }
                        ClientConnection c = used.get();
                        if (c != null && "http/1.1".equals(c.protocol())) {
                            // Cancelling closes an HTTP/1.1 connection; the next request must not be queued on it.
                            slot.retire(c);
                        }
                        error = kind(failure);
                        firstErrors.computeIfAbsent(error, k -> describe(failure));
                        tag = Interval.ERROR + error;
                        errors.incrementAndGet();
                    } else {
                        tag = Interval.STATUS + r.status();
                        if (body != null) {
                            bytesReceived.add(body.length);
                        }
                    }
                    long corrected = (now - dueNanos) / 1000;
                    recorder.record(corrected, (now - sentNanos) / 1000, tag);
                    synchronized (soFar) {
                        soFar.recordValue(Math.max(0, corrected));
                    }
                    completed.incrementAndGet();
                    slot.inFlight.decrementAndGet();
                    permits.release();
                    if (keep) {
                        options.responses().accept(new Replayed(recorded, request, startedAt, now - sentNanos,
                                failure == null ? r.status() : 0, r == null ? Headers.EMPTY : r.headers(),
                                body == null ? new byte[0] : body, r == null ? null : r.protocol(),
                                r == null ? 0 : r.streamId(), error));
                    }
                });
    }

    private synchronized void tick() {
        if (recorder == null) {
            return;
        }
        Interval interval = recorder.rotate(System.currentTimeMillis());
        intervals.add(interval);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        Duration left = options.duration() == null ? null : options.duration().minus(elapsed);
        long p50;
        long p99;
        synchronized (soFar) {
            p50 = soFar.getValueAtPercentile(50);
            p99 = soFar.getValueAtPercentile(99);
        }
        double seconds = (interval.endMs() - interval.startMs()) / 1000.0;
        Progress p = new Progress(sent.get(), completed.get(), errors.get(),
                seconds > 0 ? interval.count() / seconds : 0, p50, p99, elapsed,
                left == null || left.isNegative() ? (left == null ? null : Duration.ZERO) : left);
        listener.interval(interval, p);
    }

    /** A short, tag-safe name for how a request failed. */
    static String kind(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof TimeoutException) {
            return "timeout";
        }
        if (t instanceof StreamResetException reset) {
            return "reset-" + ErrorCode.nameOf(reset.errorCode()).toLowerCase(Locale.ROOT).replace('_', '-');
        }
        if (t instanceof RequestNotProcessedException) {
            return "not-processed";
        }
        if (tls(t)) {
            return "tls";
        }
        if (t instanceof ConnectionException c) {
            if (c.getCause() instanceof ConnectException) {
                return "connect-refused";
            }
            return c.errorCode() >= 0 ? "goaway-" + ErrorCode.nameOf(c.errorCode()).toLowerCase(Locale.ROOT)
                    .replace('_', '-') : "connection";
        }
        if (t instanceof ConnectException) {
            return "connect-refused";
        }
        if (t instanceof IOException) {
            return "io";
        }
        return t.getClass().getSimpleName().toLowerCase(Locale.ROOT);
    }

    /** A failed TLS handshake (an untrusted certificate, no common protocol) anywhere in the cause chain. */
    private static boolean tls(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    /** The message of the first failure of each kind (by {@link #kind}), for telling the user why. */
    public Map<String, String> firstErrors() {
        return new TreeMap<>(firstErrors);
    }

    private static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        StringBuilder b = new StringBuilder(String.valueOf(t));
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            b.append(": ").append(c);
        }
        return b.toString();
    }

    /** One connection, reopened on the next request after it closed or failed to open. */
    private final class Slot {
        final AtomicInteger inFlight = new AtomicInteger();
        private final H2Client client;
        private CompletableFuture<ClientConnection> current;

        Slot(H2Client client) {
            this.client = client;
        }

        /** Opens a new connection for the next request if {@code c} is still the current one. */
        synchronized void retire(ClientConnection c) {
            if (current != null && current.isDone() && !current.isCompletedExceptionally() && current.join() == c) {
                current = null;
            }
        }

        synchronized CompletableFuture<ClientConnection> connection() {
            if (current == null || current.isCompletedExceptionally()
                    || (current.isDone() && !current.join().isOpen())) {
                current = client.connect(options.target(), options.mode()).toCompletableFuture();
            }
            return current;
        }
    }
}
