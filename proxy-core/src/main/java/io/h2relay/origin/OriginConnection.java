package io.h2relay.origin;

import io.h2relay.config.EngineLimits;
import io.h2relay.config.FlowControlConfig;
import io.h2relay.engine.Event;
import io.h2relay.engine.H2Connection;
import io.h2relay.engine.H2Error;
import io.h2relay.engine.StreamState;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import io.h2relay.io.Accepted;
import io.h2relay.io.SocketEvent;
import io.h2relay.proxy.EngineSettings;
import io.h2relay.proxy.EngineSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One HTTP/2 (h2c, prior knowledge) connection of the built-in origin: the actor owns the server engine and answers
 * each stream as {@link Endpoint} says. Bodies leave through the engine's queued mode, so they go out by priority and
 * within the client's windows; request bodies are acknowledged (credit returned to the client) only once consumed:
 * for {@code /echo}, once the echoed bytes went out, so a client that does not read its response cannot keep sending.
 * A {@code ?push=} request's promised streams become exchanges of their own, answered like requests without a body.
 */
final class OriginConnection extends AbstractBehavior<OriginConnection.Msg> {

    sealed interface Msg {}

    record Net(SocketEvent event) implements Msg {}

    /** A {@code /delay/MS} answer is due. */
    record Delayed(int streamId) implements Msg {}

    /** Rate-limited readers ({@code /sha256?rate=}) may take their next slice. */
    record Drip() implements Msg {}

    /** How much {@code /bytes/N} keeps queued per stream: a write's worth, so every write can be full. */
    private static final int BYTES_QUEUE_TARGET = 256 * 1024;
    private static final int BYTES_CHUNK = 64 * 1024;
    /** Rate-limited readers are credited this often. */
    private static final Duration DRIP_INTERVAL = Duration.ofMillis(20);

    private final TimerScheduler<Msg> timers;
    private final EngineSocket io;
    private final H2Connection engine;
    private final Map<Integer, Exchange> exchanges = new HashMap<>();
    private boolean goingAway;
    private boolean dripping;

    static Behavior<Msg> create(Accepted accepted, FlowControlConfig flow, EngineLimits limits) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new OriginConnection(ctx, timers, accepted, flow,
                limits)));
    }

    private OriginConnection(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, Accepted accepted,
            FlowControlConfig flow, EngineLimits limits) {
        super(ctx);
        this.timers = timers;
        this.engine = new H2Connection(EngineSettings.server(flow, limits, false));
        this.io = new EngineSocket(engine, accepted.attach(ctx, Net::new));
        EngineSettings.start(engine, flow);
        io.flush();
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Net.class, n -> io.inbound(n.event(), this::onNet, this))
                .onMessage(Delayed.class, d -> {
                    Exchange x = exchanges.get(d.streamId());
                    if (x != null) {
                        x.respond(200, "text/plain", Endpoint.text("delayed " + x.delayMillis + " ms\n"), null);
                    }
                    return pump();
                })
                .onMessage(Drip.class, d -> {
                    dripping = false;
                    for (Exchange x : exchanges.values()) {
                        x.drip();
                    }
                    return pump();
                })
                .build();
    }

    private Behavior<Msg> onNet(SocketEvent e) {
        if (e instanceof SocketEvent.Received r) {
            for (Event event : io.receive(r.bytes())) {
                try {
                    handle(event);
                } catch (H2Error err) {
                    Exchange x = event instanceof Event.DataReceived d ? exchanges.get(d.streamId()) : null;
                    if (x == null) {
                        throw err;
                    }
                    fail(x, err);
                }
            }
            Behavior<Msg> next = pump();
            io.resumeReading();
            return next;
        }
        if (e instanceof SocketEvent.Writable) {
            io.writable();
            return pump();
        }
        if (e instanceof SocketEvent.PeerClosed) {
            io.close();
            return this;
        }
        if (e instanceof SocketEvent.Closed || e instanceof SocketEvent.Failed) {
            return Behaviors.stopped();
        }
        return this;
    }

    private void handle(Event event) {
        if (event instanceof Event.RequestReceived r) {
            onRequest(r);
        } else if (event instanceof Event.DataReceived d) {
            Exchange x = exchanges.get(d.streamId());
            if (x == null) {
                engine.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
            } else {
                x.onData(d);
            }
        } else if (event instanceof Event.TrailersReceived t) {
            Exchange x = exchanges.get(t.streamId());
            if (x != null) {
                x.requestTrailers = t.headers();
            }
        } else if (event instanceof Event.StreamEnded s) {
            Exchange x = exchanges.get(s.streamId());
            if (x != null) {
                x.onRequestEnd();
            }
        } else if (event instanceof Event.StreamReset s) {
            forget(s.streamId());
        } else if (event instanceof Event.ConnectionTerminated) {
            goingAway = true;
        }
    }

    private void onRequest(Event.RequestReceived r) {
        Exchange x = new Exchange(r.streamId(), r.headers());
        exchanges.put(x.id, x);
        List<Exchange> pushed;
        try {
            pushed = x.promise(); // RFC 9113 §8.4.1: the promises go before the response that refers to them
            x.start(); // a StreamEnded that came with the headers follows in this batch
        } catch (H2Error | IllegalArgumentException err) {
            fail(x, err);
            return;
        }
        for (Exchange p : pushed) {
            try {
                p.start();
                p.onRequestEnd(); // a promised request has no body
            } catch (H2Error | IllegalArgumentException err) {
                fail(p, err);
            }
        }
    }

    /** Sends what is due, refills {@code /bytes} streams, returns credit for consumed request bytes. */
    private Behavior<Msg> pump() {
        for (Exchange x : exchanges.values()) {
            x.refill();
        }
        io.flush();
        List<Integer> done = null;
        for (Exchange x : exchanges.values()) {
            x.creditEchoed();
            if (x.finished()) {
                done = done == null ? new ArrayList<>() : done;
                done.add(x.id);
            }
        }
        if (done != null) {
            done.forEach(exchanges::remove);
        }
        for (Event event : engine.pendingEvents()) {
            if (event instanceof Event.StreamReset s) {
                forget(s.streamId());
            }
        }
        if (engine.isTerminated() || goingAway && exchanges.isEmpty()) {
            if (!io.closing()) {
                io.close();
            }
        }
        return this;
    }

    private void forget(int streamId) {
        Exchange x = exchanges.remove(streamId);
        if (x != null && x.endpoint == Endpoint.Kind.DELAY) {
            timers.cancel(streamId);
        }
    }

    private void fail(Exchange x, RuntimeException err) {
        getContext().getLog().debug("origin stream {}: {}", x.id, err.toString());
        exchanges.remove(x.id);
        if (engine.streamState(x.id) != StreamState.CLOSED && !engine.isTerminated()) {
            io.makeRoom();
            engine.resetStream(x.id, ErrorCode.INTERNAL_ERROR.code());
        }
    }

    /** One request and its answer. */
    private final class Exchange {
        final int id;
        final List<Header> headers;
        final Endpoint.Request request;
        Endpoint.Kind endpoint;
        boolean requestEnded;
        boolean responseEnded;
        List<Header> requestTrailers;
        long delayMillis;
        /** /bytes: body bytes not yet queued, and the position of the next one. */
        long remaining;
        long position;
        /** /echo: request bytes queued back but not yet sent (so not yet credited). */
        long echoQueued;
        /** /sha256: the digest so far, and bytes received but not yet credited (rate-limited). */
        java.security.MessageDigest digest;
        long digested;
        long rate;
        long undripped;

        Exchange(int id, List<Header> headers) {
            this.id = id;
            this.headers = headers;
            this.request = Endpoint.Request.of(headers);
        }

        /**
         * {@code ?push=}: promises a GET of each path on this (client) stream and registers its exchange, to be
         * started once this stream's response headers are out. Nothing when the client disabled push; promises stop
         * when the engine refuses one (e.g. the client's SETTINGS_MAX_CONCURRENT_STREAMS).
         */
        List<Exchange> promise() {
            if (request.push().isEmpty() || (id & 1) == 0 || !engine.remoteSettings().enablePush()) {
                return List.of();
            }
            String scheme = "http";
            String authority = null;
            for (Header h : headers) {
                switch (h.name()) {
                    case ":scheme" -> scheme = h.value();
                    case ":authority" -> authority = h.value();
                    case "host" -> authority = authority == null ? h.value() : authority;
                    default -> { }
                }
            }
            List<Exchange> pushed = new ArrayList<>(request.push().size());
            for (String path : request.push()) {
                if (!path.startsWith("/")) {
                    continue;
                }
                List<Header> promised = new ArrayList<>(4);
                promised.add(Header.of(":method", "GET"));
                promised.add(Header.of(":scheme", scheme));
                if (authority != null) {
                    promised.add(Header.of(":authority", authority));
                }
                promised.add(Header.of(":path", path));
                int promisedId = engine.nextAvailableStreamId();
                io.makeRoom();
                try {
                    engine.pushStream(id, promisedId, promised);
                } catch (H2Error err) {
                    getContext().getLog().debug("origin stream {}: push of {} refused: {}", id, path, err.toString());
                    break;
                }
                Exchange p = new Exchange(promisedId, promised);
                exchanges.put(promisedId, p);
                pushed.add(p);
            }
            return pushed;
        }

        void start() {
            endpoint = request.kind();
            switch (endpoint) {
                case ROOT -> respond(200, "text/plain", Endpoint.text("h2relay origin\n"), null);
                case PROTOCOL_PAGE -> respond(200, "text/html; charset=utf-8", Endpoint.text(Endpoint.PROTOCOL_PAGE),
                        null);
                case BYTES -> {
                    if (request.coding() != null && request.number() <= Endpoint.MAX_COMPRESSED_BODY) {
                        respond(200, "application/octet-stream", pattern((int) request.number()), null);
                        return;
                    }
                    remaining = request.number();
                    sendHead(200, "application/octet-stream", null, remaining, remaining == 0 || request.head());
                    if (request.head()) {
                        remaining = 0;
                    }
                }
                case ECHO -> {
                    continueIfExpected();
                    sendHead(200, request.contentType(), null, -1, false);
                }
                case DELAY -> {
                    delayMillis = Math.min(request.number(), Endpoint.MAX_DELAY_MILLIS);
                    timers.startSingleTimer(id, new Delayed(id), Duration.ofMillis(delayMillis));
                }
                case STATUS -> respond((int) request.number(), "text/plain", Endpoint.text(""), null);
                case HEADERS -> respond(200, "application/json", Endpoint.json(headers), null);
                case TRAILERS -> respond(200, "text/plain", Endpoint.text("trailers follow\n"), Endpoint.TRAILERS);
                case SHA256 -> {
                    continueIfExpected();
                    digest = Endpoint.sha256();
                    rate = request.number();
                }
                case BAD_STATUS -> respond(400, "text/plain", Endpoint.text("status must be 200..599\n"), null);
                case NOT_FOUND -> respond(404, "text/plain", Endpoint.text("no such endpoint\n"), null);
            }
        }

        /** RFC 9110 §10.1.1: a server that reads the body of a request expecting 100-continue says so first. */
        private void continueIfExpected() {
            if (request.expectsContinue()) {
                io.makeRoom();
                engine.sendHeaders(id, List.of(Header.of(":status", "100")), false);
            }
        }

        void onData(Event.DataReceived d) {
            int length = d.data().remaining();
            int padding = d.flowControlledLength() - length;
            if (endpoint == Endpoint.Kind.ECHO && !responseEnded) {
                if (padding > 0) {
                    engine.acknowledgeReceivedData(padding, id);
                }
                if (length > 0) {
                    engine.queueData(id, d.data(), false);
                    echoQueued += length;
                }
            } else if (endpoint == Endpoint.Kind.SHA256 && digest != null) {
                digest.update(d.data());
                digested += length;
                if (rate > 0) {
                    engine.acknowledgeReceivedData(padding, id);
                    undripped += length;
                    scheduleDrip();
                } else {
                    engine.acknowledgeReceivedData(d.flowControlledLength(), id);
                }
            } else {
                engine.acknowledgeReceivedData(d.flowControlledLength(), id);
            }
        }

        void onRequestEnd() {
            requestEnded = true;
            try {
                if (endpoint == Endpoint.Kind.ECHO && !responseEnded) {
                    responseEnded = true;
                    if (requestTrailers != null && !requestTrailers.isEmpty()) {
                        io.makeRoom();
                        engine.sendHeaders(id, requestTrailers, true); // queued behind the echoed bytes
                    } else {
                        io.makeRoom();
                        engine.endStream(id);
                    }
                } else if (endpoint == Endpoint.Kind.SHA256 && undripped == 0) {
                    answerDigest();
                }
            } catch (H2Error err) {
                fail(this, err);
            }
        }

        private void answerDigest() {
            String hex = java.util.HexFormat.of().formatHex(digest.digest());
            digest = null;
            respond(200, "text/plain", Endpoint.text(digested + " " + hex + "\n"), null);
        }

        void drip() {
            if (undripped == 0) {
                return;
            }
            long slice = Math.max(1, rate * DRIP_INTERVAL.toMillis() / 1000);
            int n = (int) Math.min(undripped, slice);
            undripped -= n;
            engine.acknowledgeReceivedData(n, id);
            if (undripped > 0) {
                scheduleDrip();
            } else if (requestEnded && digest != null) {
                answerDigest();
            }
        }

        private void scheduleDrip() {
            if (!dripping) {
                dripping = true;
                timers.startSingleTimer("drip", new Drip(), DRIP_INTERVAL);
            }
        }

        void respond(int status, String contentType, ByteBuffer body, List<Header> trailers) {
            boolean bodyless = request.head() || status == 204 || status == 304;
            String coding = null;
            if (request.coding() != null && body.hasRemaining() && status != 204 && status != 304) {
                coding = request.coding(); // a HEAD gets the same fields as the GET, compressed content-length included
                body = Endpoint.encode(coding, body);
            }
            boolean endWithHead = (bodyless || !body.hasRemaining()) && trailers == null;
            sendHead(status, contentType, coding, body.remaining(), endWithHead);
            if (!endWithHead) {
                if (!bodyless && body.hasRemaining()) {
                    engine.queueData(id, body, trailers == null);
                }
                if (trailers != null) {
                    io.makeRoom();
                    engine.sendHeaders(id, trailers, true);
                }
            }
        }

        private void sendHead(int status, String contentType, String contentEncoding, long contentLength,
                boolean end) {
            List<Header> head = new ArrayList<>(5);
            head.add(Header.of(":status", Integer.toString(status)));
            if (contentType != null) {
                head.add(Header.of("content-type", contentType));
            }
            if (contentEncoding != null) {
                head.add(Header.of("content-encoding", contentEncoding));
            }
            if (contentLength >= 0 && status != 204 && status != 304) {
                head.add(Header.of("content-length", Long.toString(contentLength)));
            }
            io.makeRoom();
            engine.sendHeaders(id, head, end);
            responseEnded = end || endpoint != Endpoint.Kind.ECHO; // /bytes counts what is left in `remaining`
        }

        /** /bytes: keeps a write's worth queued; views of the shared pattern, never copies. */
        void refill() {
            if (remaining == 0) {
                return;
            }
            try {
                long queued = engine.queuedData(id);
                while (remaining > 0 && queued < BYTES_QUEUE_TARGET) {
                    ByteBuffer chunk = BodyPattern.slice(position, (int) Math.min(BYTES_CHUNK, remaining));
                    int n = chunk.remaining();
                    remaining -= n;
                    position += n;
                    queued += n;
                    engine.queueData(id, chunk, remaining == 0);
                }
            } catch (H2Error err) {
                fail(this, err);
            }
        }

        /** The first {@code n} bytes of {@link BodyPattern}, for a body compressed up front. */
        private static ByteBuffer pattern(int n) {
            ByteBuffer all = ByteBuffer.allocate(n);
            while (all.hasRemaining()) {
                all.put(BodyPattern.slice(all.position(), all.remaining()));
            }
            return all.flip();
        }

        /** /echo: what went out since the last look is consumed request data; the client may send that much more. */
        void creditEchoed() {
            if (echoQueued == 0) {
                return;
            }
            long queued = engine.queuedData(id);
            long sent = echoQueued - queued;
            if (sent > 0) {
                engine.acknowledgeReceivedData((int) sent, id);
                echoQueued = queued;
            }
        }

        boolean finished() {
            return responseEnded && remaining == 0 && echoQueued == 0 && requestEnded && digest == null;
        }
    }
}
