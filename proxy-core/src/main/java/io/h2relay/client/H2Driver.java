package io.h2relay.client;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Configuration;
import io.h2relay.engine.H2Connection;
import io.h2relay.engine.H2Error;
import io.h2relay.engine.StreamState;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP/2 for one client connection, on the sans-IO engine. Requests wait in {@link #waiting} until the server's
 * first SETTINGS arrive and a stream is free under its SETTINGS_MAX_CONCURRENT_STREAMS; request bodies go through
 * the engine's queued mode, which cuts DATA frames as large as the windows and the peer's frame size allow; the
 * receive windows move only by what the {@link WindowManager}s return.
 */
final class H2Driver implements Driver {

    /** The most of one request body read ahead of the window. */
    private static final int MAX_UPLOAD_READ = 1 << 20;

    private record PendingPing(CompletableFuture<Duration> result, long sentNanos) {}

    private final Host host;
    private final ClientConfig config;
    private final H2Connection engine;
    private final String protocol;
    private final Map<Integer, Exchange> streams = new HashMap<>();
    private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();
    private final Map<Long, PendingPing> pings = new HashMap<>();
    private final WindowManager connectionWindow;
    private boolean ready;
    private boolean closing;
    private IOException failure;
    private long nextPing;

    private H2Driver(Host host, H2Connection engine, String protocol) {
        this.host = host;
        this.config = host.config();
        this.engine = engine;
        this.protocol = protocol;
        this.connectionWindow = config.connectionWindow().create(config.connectionWindowSize(), -1);
        // RFC 9113 §6.9.2: SETTINGS cannot change the connection window; only a WINDOW_UPDATE raises it.
        if (config.connectionWindowSize() > 65535) {
            engine.incrementFlowControlWindow(config.connectionWindowSize() - 65535, 0);
        }
    }

    static H2Configuration configuration(ClientConfig c) {
        return H2Configuration.builder(true)
                .enablePush(c.enablePush())
                .initialWindowSize(c.initialWindowSize())
                .maxFrameSize(c.maxFrameSize())
                .headerTableSize(c.headerTableSize())
                .maxHeaderListSize(c.maxHeaderListSize())
                .maxConcurrentStreams(c.maxConcurrentPushes())
                .build();
    }

    /** Prior knowledge or ALPN h2: the preface goes out first. */
    static H2Driver start(Host host, String protocol) {
        H2Connection engine = new H2Connection(configuration(host.config()));
        engine.initiateConnection();
        return new H2Driver(host, engine, protocol);
    }

    /** After a 101: the engine was initiated for the upgrade, and {@code first} is stream 1 (RFC 7540 §3.2). */
    static H2Driver upgraded(Host host, H2Connection engine, Exchange first, Collection<Exchange> waiting) {
        H2Driver d = new H2Driver(host, engine, "h2c");
        first.streamId = 1;
        d.streams.put(1, first);
        d.waiting.addAll(waiting);
        return d;
    }

    // ---- requests

    @Override
    public void submit(Exchange ex) {
        if (failure != null || closing) {
            host.fail(ex.response, new RequestNotProcessedException("the connection is closing; request not sent"));
            return;
        }
        waiting.add(ex);
        dispatch();
    }

    private void dispatch() {
        while (ready && !closing && failure == null && !waiting.isEmpty()
                && engine.openOutboundStreams() < engine.remoteSettings().maxConcurrentStreams()
                && !engine.outboundPaused()) {
            start(waiting.poll());
        }
    }

    private void start(Exchange ex) {
        Request r = ex.request;
        int id = engine.nextAvailableStreamId();
        boolean endNow = !r.hasContent();
        try {
            engine.sendHeaders(id, requestHeaders(r), endNow);
        } catch (H2Error | IllegalArgumentException e) {
            host.fail(ex.response, new IOException("request not sent: " + e.getMessage(), e));
            return;
        }
        ex.streamId = id;
        streams.put(id, ex);
        if (r.body() instanceof RequestBody.Bytes b) {
            queue(ex, b.data().duplicate(), true);
        } else if (r.body() instanceof RequestBody.Empty) {
            if (!endNow) {
                queue(ex, ByteBuffer.allocate(0), true);
            }
        } else {
            ex.upload = UploadSource.of(r.body(), ex, host.executor());
            pump(ex);
        }
    }

    private List<Header> requestHeaders(Request r) {
        List<Header> block = new ArrayList<>(r.headers().size() + 7);
        boolean connect = r.method().equals("CONNECT");
        String authority = r.authority() != null ? r.authority() : r.headers().first("host");
        block.add(Header.of(":method", r.method()));
        if (!connect) {
            block.add(Header.of(":scheme", host.scheme()));
        }
        block.add(Header.of(":authority", authority != null ? authority : host.authority()));
        if (!connect) {
            block.add(Header.of(":path", r.path()));
        }
        for (Header h : r.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!name.equals("host")) { // RFC 9113 §8.3.1: :authority replaces it
                block.add(new Header(name, h.value(), h.neverIndexed()));
            }
        }
        if (config.acceptEncoding() && !r.headers().contains("accept-encoding")) {
            block.add(Header.of("accept-encoding", ContentDecoder.ACCEPT_ENCODING));
        }
        if (config.userAgent() != null && !r.headers().contains("user-agent")) {
            block.add(Header.of("user-agent", config.userAgent()));
        }
        if (!(r.body() instanceof RequestBody.Empty) && r.body().length() >= 0
                && !r.headers().contains("content-length")) {
            block.add(Header.of("content-length", Long.toString(r.body().length())));
        }
        return block;
    }

    /** Hands body bytes to the engine's queue; on the last piece also the end of stream or the trailers. */
    private void queue(Exchange ex, ByteBuffer data, boolean last) {
        List<Header> trailers = last ? trailerBlock(ex.request.trailers()) : List.of();
        if (data.hasRemaining()) {
            engine.queueData(ex.streamId, data, last && trailers.isEmpty());
        } else if (last && trailers.isEmpty()) {
            engine.endStream(ex.streamId);
        }
        if (!trailers.isEmpty()) {
            engine.sendHeaders(ex.streamId, trailers, true); // queued behind the data (RFC 9113 §8.1)
        }
        if (last) {
            ex.uploadDone = true;
        }
    }

    private static List<Header> trailerBlock(Headers trailers) {
        List<Header> block = new ArrayList<>(trailers.size());
        for (Header h : trailers) {
            block.add(new Header(h.name().toLowerCase(Locale.ROOT), h.value(), h.neverIndexed()));
        }
        return block;
    }

    /**
     * Asks a streaming body for more when the engine holds less than the window can take plus one frame: reads are
     * sized to the window (at most {@link #MAX_UPLOAD_READ}), so DATA frames come out full-sized.
     */
    private void pump(Exchange ex) {
        if (ex.upload == null || ex.uploadDone || ex.uploadRequested || failure != null) {
            return;
        }
        StreamState state = engine.streamState(ex.streamId);
        if (state != StreamState.OPEN && state != StreamState.HALF_CLOSED_REMOTE) {
            return;
        }
        long queued = engine.queuedData(ex.streamId);
        int frame = engine.maxOutboundFrameSize();
        long window = Math.max(0, engine.localFlowControlWindow(ex.streamId));
        long target = Math.min(MAX_UPLOAD_READ, window + frame);
        if (queued >= target || (queued > 0 && target - queued < frame)) {
            return;
        }
        ex.uploadRequested = true;
        ex.upload.request((int) (target - queued));
    }

    @Override
    public void upload(Exchange ex, ByteBuffer data, boolean last, Throwable cause) {
        ex.uploadRequested = false;
        if (streams.get(ex.streamId) != ex) {
            return; // reset or finished meanwhile; the source was cancelled
        }
        if (cause != null) {
            reset(ex, ErrorCode.CANCEL.code());
            failExchange(ex, new IOException("the request body failed: " + cause, cause));
            remove(ex);
            return;
        }
        try {
            queue(ex, data, last);
        } catch (H2Error e) {
            failExchange(ex, new IOException("request body not sent: " + e.getMessage(), e));
            remove(ex);
            return;
        }
        pump(ex);
    }

    // ---- input

    @Override
    public void receive(ByteBuffer data) {
        for (Event e : engine.receiveData(data, System.nanoTime())) {
            handle(e);
        }
        dispatch();
        pumpAll();
    }

    @Override
    public ByteBuffer output(int max) {
        byte[] bytes = engine.dataToSend(max);
        for (Event e : engine.pendingEvents()) {
            handle(e);
        }
        pumpAll();
        return ByteBuffer.wrap(bytes);
    }

    private void pumpAll() {
        if (failure != null) {
            return;
        }
        for (Exchange ex : streams.values()) {
            if (ex.upload != null && !ex.uploadDone) {
                pump(ex);
            }
        }
    }

    private void handle(Event e) {
        if (e instanceof Event.DataReceived d) {
            onData(d);
        } else if (e instanceof Event.ResponseReceived r) {
            onResponse(r.streamId(), r.headers());
        } else if (e instanceof Event.InformationalResponseReceived i) {
            Exchange ex = streams.get(i.streamId());
            if (ex != null) {
                ex.informational.add(new Response.Informational(status(i.headers()), Headers.withoutPseudo(i.headers())));
            }
        } else if (e instanceof Event.TrailersReceived t) {
            Exchange ex = streams.get(t.streamId());
            if (ex != null) {
                ex.body.end(Headers.withoutPseudo(t.headers()));
            }
        } else if (e instanceof Event.StreamEnded s) {
            onStreamEnded(s.streamId());
        } else if (e instanceof Event.StreamReset r) {
            onReset(r);
        } else if (e instanceof Event.PushedStreamReceived p) {
            onPush(p);
        } else if (e instanceof Event.RemoteSettingsChanged) {
            if (!ready) {
                ready = true;
                host.ready(protocol);
            }
        } else if (e instanceof Event.PingAckReceived p) {
            PendingPing pending = pings.remove(p.pingData());
            if (pending != null) {
                host.complete(pending.result(), Duration.ofNanos(System.nanoTime() - pending.sentNanos()));
            }
        } else if (e instanceof Event.ConnectionTerminated t) {
            onTerminated(t);
        }
        // WindowUpdated, SettingsAcknowledged, priority, ALTSVC, ORIGIN, unknown frames: nothing to do here
        // (window changes are picked up by the pump after every batch).
    }

    private void onResponse(int streamId, List<Header> block) {
        Exchange ex = streams.get(streamId);
        if (ex == null) {
            return;
        }
        Headers headers = Headers.withoutPseudo(block);
        ex.streamWindow = config.streamWindows().create(config.initialWindowSize(), contentLength(headers));
        ex.responseDelivered = true;
        host.complete(ex.response, new Response(ex, status(block), headers, ex.informational, protocol));
    }

    private void onData(Event.DataReceived d) {
        int windowBytes = d.flowControlledLength();
        int connectionIncrement = connectionWindow.received(windowBytes);
        Exchange ex = streams.get(d.streamId());
        if (ex == null || ex.streamWindow == null) {
            connectionIncrement += connectionWindow.consumed(windowBytes);
        } else {
            int streamIncrement = ex.streamWindow.received(windowBytes);
            int immediate = ex.body.offer(d.data(), windowBytes);
            if (immediate > 0) {
                streamIncrement += ex.streamWindow.consumed(immediate);
                connectionIncrement += connectionWindow.consumed(immediate);
            }
            if (streamIncrement > 0 && d.streamEnded() == null) {
                windowUpdate(d.streamId(), streamIncrement);
            }
        }
        if (connectionIncrement > 0) {
            windowUpdate(0, connectionIncrement);
        }
    }

    private void onStreamEnded(int streamId) {
        Exchange ex = streams.get(streamId);
        if (ex == null) {
            return;
        }
        ex.body.end(Headers.EMPTY); // no-op after trailers
        if (engine.streamState(streamId) != StreamState.CLOSED) {
            // RFC 9113 §8.1: the response is complete before our request is; stop sending the rest.
            reset(ex, ErrorCode.NO_ERROR.code());
        }
        remove(ex);
    }

    private void onReset(Event.StreamReset r) {
        Exchange ex = streams.get(r.streamId());
        if (ex == null) {
            return;
        }
        IOException error = r.refused() && r.remoteReset()
                ? new RequestNotProcessedException("stream " + r.streamId() + " was not processed by the server: "
                        + (r.reason() != null ? r.reason() : "REFUSED_STREAM"))
                : new StreamResetException(r.streamId(), r.errorCode(), r.remoteReset(), r.reason());
        failExchange(ex, error);
        remove(ex);
    }

    private void onPush(Event.PushedStreamReceived p) {
        Exchange parent = streams.get(p.parentStreamId());
        Exchange pushed = new Exchange(null, host.self(), host.executor());
        pushed.streamId = p.pushedStreamId();
        pushed.promise = new PushPromise(pushed, p.parentStreamId(), p.headers());
        streams.put(pushed.streamId, pushed);
        if (parent == null || parent.request == null) {
            cancel(pushed); // nobody to hand it to
            return;
        }
        parent.pushes.add(pushed.promise);
    }

    private void onTerminated(Event.ConnectionTerminated t) {
        closing = true;
        failWaiting("the server sent GOAWAY (last stream " + t.lastStreamId() + ")");
        if (t.remote() && t.errorCode() == ErrorCode.NO_ERROR.code()) {
            return; // graceful: streams up to the last one finish; those above it arrive as refused resets
        }
        IOException error = ConnectionException.goAway(t.errorCode(), t.lastStreamId(), t.additionalData(),
                t.remote());
        failure = error;
        for (Exchange ex : new ArrayList<>(streams.values())) {
            // Above a remote GOAWAY's last stream the engine reports refused resets next: those stay retryable.
            if (!t.remote() || ex.streamId <= t.lastStreamId() || ex.request == null) {
                failExchange(ex, error);
                remove(ex);
            }
        }
        failPings(error);
    }

    // ---- flow control and cancellation

    @Override
    public void consumed(Exchange ex, int bytes) {
        if (engine.isTerminated()) {
            return;
        }
        int connectionIncrement = connectionWindow.consumed(bytes);
        if (streams.get(ex.streamId) == ex && ex.streamWindow != null) {
            int increment = ex.streamWindow.consumed(bytes);
            if (increment > 0) {
                windowUpdate(ex.streamId, increment);
            }
        }
        if (connectionIncrement > 0) {
            windowUpdate(0, connectionIncrement);
        }
    }

    private void windowUpdate(int streamId, int increment) {
        if (streamId != 0) {
            StreamState state = engine.streamState(streamId);
            if (state != StreamState.OPEN && state != StreamState.HALF_CLOSED_LOCAL) {
                return; // the server will send nothing more on it
            }
        }
        try {
            engine.incrementFlowControlWindow(increment, streamId);
        } catch (H2Error e) {
            // The connection failed in this batch: nothing left to credit.
        }
    }

    @Override
    public void cancel(Exchange ex) {
        if (waiting.remove(ex)) {
            host.fail(ex.response, new CancellationException("cancelled before it was sent"));
            return;
        }
        if (streams.get(ex.streamId) != ex) {
            return; // already over
        }
        reset(ex, ErrorCode.CANCEL.code());
        StreamResetException error = new StreamResetException(ex.streamId, ErrorCode.CANCEL.code(), false,
                "cancelled by the application");
        int held = ex.body.abandon(error);
        if (!ex.responseDelivered) {
            host.fail(ex.response, error);
        }
        remove(ex);
        if (held > 0) {
            int increment = connectionWindow.consumed(held);
            if (increment > 0) {
                windowUpdate(0, increment);
            }
        }
    }

    private void reset(Exchange ex, int code) {
        try {
            engine.resetStream(ex.streamId, code);
        } catch (H2Error e) {
            // Closed already, or the connection is over: nothing to reset.
        }
    }

    private void remove(Exchange ex) {
        streams.remove(ex.streamId);
        if (ex.upload != null && !ex.uploadDone) {
            ex.upload.cancel();
            ex.uploadDone = true;
        }
        host.complete(ex.allPushes, List.copyOf(ex.pushes));
    }

    private void failExchange(Exchange ex, IOException error) {
        if (ex.responseDelivered) {
            ex.body.fail(error);
        } else {
            ex.responseDelivered = true;
            host.fail(ex.response, error);
            ex.body.fail(error);
        }
    }

    private void failWaiting(String why) {
        for (Exchange ex; (ex = waiting.poll()) != null; ) {
            host.fail(ex.response, new RequestNotProcessedException(why + "; request not sent"));
        }
    }

    private void failPings(IOException error) {
        for (PendingPing p : pings.values()) {
            host.fail(p.result(), error);
        }
        pings.clear();
    }

    // ---- connection

    @Override
    public void ping(CompletableFuture<Duration> result) {
        if (failure != null || engine.isTerminated()) {
            host.fail(result, new ConnectionException("the connection is closed", failure));
            return;
        }
        long data = ++nextPing;
        try {
            engine.ping(data);
        } catch (H2Error e) {
            host.fail(result, new IOException("cannot ping: " + e.getMessage(), e));
            return;
        }
        pings.put(data, new PendingPing(result, System.nanoTime()));
    }

    @Override
    public void shutdown() {
        if (closing || failure != null) {
            return;
        }
        closing = true;
        failWaiting("the connection is closing");
        try {
            engine.closeConnection(); // GOAWAY(NO_ERROR): our streams still finish (RFC 9113 §6.8)
        } catch (H2Error e) {
            // Already failed: the socket closes anyway.
        }
    }

    @Override
    public boolean closing() {
        return closing || failure != null;
    }

    @Override
    public boolean idle() {
        if (!waiting.isEmpty()) {
            return false;
        }
        for (Exchange ex : streams.values()) {
            if (ex.request != null) {
                return false; // pushed streams nobody reads do not hold a closing connection open
            }
        }
        return true;
    }

    @Override
    public boolean wantsInput() {
        return failure != null || !engine.outboundPaused();
    }

    @Override
    public void inputEnded() {
        fail(new ConnectionException("the server closed the connection", null));
    }

    @Override
    public void fail(IOException cause) {
        if (failure == null) {
            failure = cause;
        }
        closing = true;
        for (Exchange ex : new ArrayList<>(streams.values())) {
            failExchange(ex, cause);
            remove(ex);
        }
        failWaiting("the connection closed (" + cause.getMessage() + ")");
        failPings(cause);
    }

    private static int status(List<Header> block) {
        String value = Headers.pseudo(block, ":status");
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return 0; // the engine validates :status; unreachable with validation on
        }
    }

    private static long contentLength(Headers headers) {
        String value = headers.first("content-length");
        if (value == null) {
            return -1;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
