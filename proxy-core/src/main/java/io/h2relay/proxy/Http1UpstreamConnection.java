package io.h2relay.proxy;

import io.h2relay.config.ClusterConfig;
import io.h2relay.config.Endpoint;
import io.h2relay.frame.ErrorCode;
import io.h2relay.http1.Http1Connection;
import io.h2relay.http1.Http1Event;
import io.h2relay.http1.Http1Exception;
import io.h2relay.http1.Http1Role;
import io.h2relay.http1.Http1State;
import io.h2relay.io.Socket;
import io.h2relay.io.SocketEvent;
import io.h2relay.proxy.Exchange.Attached;
import io.h2relay.proxy.Exchange.Cancel;
import io.h2relay.proxy.Exchange.Failure;
import io.h2relay.proxy.Exchange.Open;
import io.h2relay.proxy.Exchange.Prioritize;
import io.h2relay.proxy.Exchange.RequestCredit;
import io.h2relay.proxy.Exchange.RequestPart;
import io.h2relay.proxy.Exchange.ResponseConsumed;
import io.h2relay.proxy.Exchange.ResponseData;
import io.h2relay.proxy.Exchange.Send;
import io.h2relay.proxy.Exchange.ToPool;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.UpstreamBatch;
import io.h2relay.proxy.Exchange.UpstreamFailed;
import io.h2relay.proxy.Exchange.UpstreamReset;
import io.h2relay.proxy.UpstreamConnection.Net;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * One HTTP/1.1 connection to a backend ({@code http://}, or {@code https://} where ALPN chose http/1.1): owns the
 * client side of the sans-IO codec and carries one exchange at a time, then the next on the same connection while
 * both sides keep it alive (RFC 9112 §9.3). It speaks the same {@link ToUpstream} protocol as
 * {@link UpstreamConnection}; {@link Prioritize} means nothing here, and {@link Cancel} closes the connection (HTTP/1.1
 * cannot stop one exchange and keep the connection).
 *
 * <p><b>Credit.</b> Request body bytes are written only as the Stream hands them over, one socket write in flight,
 * and reported as {@link RequestCredit} when they go into a write. Response bytes are held against the Stream's
 * credit: while more than a stream window ({@code flow-control.stream-window}) is unacknowledged the socket is not
 * read, so a slow client slows the backend through TCP, never the proxy's heap.
 *
 * <p><b>Retries.</b> HTTP/1.1 has no REFUSED_STREAM. When the connection ends before any byte of the response
 * arrived, the request is reported {@link Failure#NOT_PROCESSED} (the Stream sends it again on another connection, if
 * it still holds the body) only when its method is idempotent (RFC 9110 §9.2.2, RFC 9112 §9.3.1) — the classic case is
 * a keep-alive connection the backend closed just as we reused it, which nginx and HAProxy retry the same way; any
 * other loss is {@link Failure#LOST}.
 *
 * <p><b>WebSocket.</b> An extended CONNECT goes out as the RFC 6455 handshake; after the backend's 101 (passed on as
 * 200) the connection is a byte tunnel both ways with the same credit, a side's FIN is its end, and the connection is
 * never reused.
 */
final class Http1UpstreamConnection extends AbstractBehavior<ToUpstream> {

    sealed interface Internal extends ToUpstream permits Timer {}

    enum Timer implements Internal { IDLE, ABORT }

    /** The largest request write; the rest waits for the next one. */
    static final int WRITE_CHUNK = 256 * 1024;

    private static final Duration ABORT_AFTER = Duration.ofSeconds(10);

    private final ProxyContext pc;
    private final ActorRef<ToPool> pool;
    private final Endpoint endpoint;
    private final ClusterConfig cluster;
    private final TimerScheduler<ToUpstream> timers;
    private final Socket socket;
    private final Http1Connection codec = new Http1Connection(Http1Role.CLIENT);
    private final ArrayDeque<Open> waiting = new ArrayDeque<>();
    private final long readLimit;
    private Http1UpstreamExchange x;
    private boolean connected;
    private boolean draining;
    private boolean closing;
    /** A read was received and not yet acknowledged because the Stream owes credit. */
    private boolean readHeld;
    private int nextId = 1;
    private long completed;
    private long reportedCompleted;
    private final HeldBytes held;

    /** An {@code http://} endpoint: connects over TCP. */
    static Behavior<ToUpstream> create(ProxyContext pc, ActorRef<ToPool> pool, Endpoint endpoint,
            ClusterConfig cluster) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> {
            Socket socket = pc.transport().connect(ctx, new InetSocketAddress(endpoint.host(), endpoint.port()),
                    cluster.connectTimeout(), Net::new);
            return new Http1UpstreamConnection(ctx, t, pc, pool, endpoint, cluster, socket, false);
        }));
    }

    /**
     * Takes over a socket that is already connected (TLS with ALPN http/1.1), whose events arrive as
     * {@link UpstreamConnection.Net}.
     */
    static Http1UpstreamConnection connected(ActorContext<ToUpstream> ctx, TimerScheduler<ToUpstream> timers,
            ProxyContext pc, ActorRef<ToPool> pool, Endpoint endpoint, ClusterConfig cluster, Socket socket) {
        return new Http1UpstreamConnection(ctx, timers, pc, pool, endpoint, cluster, socket, true);
    }

    private Http1UpstreamConnection(ActorContext<ToUpstream> ctx, TimerScheduler<ToUpstream> timers, ProxyContext pc,
            ActorRef<ToPool> pool, Endpoint endpoint, ClusterConfig cluster, Socket socket, boolean connected) {
        super(ctx);
        this.pc = pc;
        this.held = new HeldBytes(pc.metrics());
        this.pool = pool;
        this.endpoint = endpoint;
        this.cluster = cluster;
        this.timers = timers;
        this.socket = socket;
        this.readLimit = Math.max(1, pc.flow().streamWindow());
        pc.metrics().upstreamOpened(cluster.name());
        if (connected) {
            onConnected();
        }
    }

    /** A batch ({@link UpstreamBatch}) is handled message by message, in order. */
    @Override
    public Receive<ToUpstream> createReceive() {
        Receive<ToUpstream> handlers = handlers();
        return newReceiveBuilder()
                .onMessage(UpstreamBatch.class, b -> {
                    for (ToUpstream m : b.all()) {
                        Behavior<ToUpstream> next = handlers.receiveMessage(m);
                        if (next != this && next != Behaviors.<ToUpstream>same()) {
                            return next; // none of the batched messages stops us; were it so, the rest is moot
                        }
                    }
                    return this;
                })
                .onMessage(ToUpstream.class, handlers::receiveMessage)
                .onSignal(org.apache.pekko.actor.typed.Signal.class, handlers::receiveSignal)
                .build();
    }

    private Receive<ToUpstream> handlers() {
        return newReceiveBuilder()
                .onMessage(Net.class, n -> inbound(n.event()))
                .onMessage(Open.class, this::onOpen)
                .onMessage(Send.class, s -> {
                    if (x != null && x.id == s.streamId()) {
                        addPart(x, s.part());
                        pump();
                    }
                    return this;
                })
                .onMessage(ResponseConsumed.class, c -> {
                    if (x != null && x.id == c.streamId() && x.unacked > 0) {
                        unhold(x, (int) Math.min(c.bytes(), x.unacked));
                        if (readHeld && x.unacked < readLimit) {
                            readHeld = false;
                            socket.resumeReading();
                        }
                    }
                    return this;
                })
                .onMessage(Prioritize.class, p -> this) // RFC 9218 has no HTTP/1.1 signal beyond the header field
                .onMessage(Cancel.class, c -> {
                    if (x != null && x.id == c.streamId()) {
                        abandon();
                    }
                    return this;
                })
                .onMessageEquals(Timer.IDLE, this::onIdle)
                .onMessageEquals(Timer.ABORT, () -> {
                    socket.abort();
                    return this;
                })
                .onSignal(PostStop.class, s -> {
                    if (x != null) {
                        unhold(x, (int) x.unacked);
                    }
                    pc.metrics().upstreamClosed(cluster.name());
                    return this;
                })
                .build();
    }

    private Behavior<ToUpstream> inbound(SocketEvent event) {
        var result = new Object() {
            Behavior<ToUpstream> next = Http1UpstreamConnection.this;
        };
        socket.inbound(event, e -> {
            if (result.next == this) {
                result.next = onNet(e);
            }
        });
        return result.next;
    }

    /** One event that already passed the socket's layers (for the actor this behaviour took over from). */
    Behavior<ToUpstream> onSocketEvent(SocketEvent e) {
        return onNet(e);
    }

    // ---- requests --------------------------------------------------------------------------------------------------

    private Behavior<ToUpstream> onOpen(Open o) {
        if (draining || closing) {
            bounce(o, Failure.NOT_PROCESSED);
        } else {
            waiting.add(o);
        }
        pump();
        return this;
    }

    private void bounce(Open o, Failure failure) {
        o.stream().tell(new UpstreamFailed(failure));
        completed++;
    }

    /** Starts the next waiting request once the connection is free (no client pipelining, RFC 9112 §9.3.2). */
    private void startNext() {
        while (connected && x == null && !draining && !closing && !waiting.isEmpty()
                && codec.ourState() == Http1State.IDLE && codec.theirState() == Http1State.IDLE) {
            Open o = waiting.poll();
            if (o.stream().gone()) {
                completed++; // the client left before the connection was free: the request is not sent
                continue;
            }
            Http1Mapping.Request r;
            RequestPart first = o.first();
            boolean endWithHead = first.end() && first.bytes() == 0 && first.trailers() == null;
            try {
                r = Http1Mapping.request(o.head(), endpoint.authority());
                codec.sendRequestHead(r.method(), r.target(), r.fields(), endWithHead || r.websocket()
                        || r.method().equals("CONNECT"));
            } catch (Http1Exception | IllegalArgumentException err) {
                getContext().getLog().debug("request head refused by the HTTP/1.1 codec: {}", err.toString());
                bounce(o, Failure.REJECTED);
                continue;
            }
            x = new Http1UpstreamExchange(nextId, o.stream(), r.idempotent(), r.websocket());
            nextId += 2;
            x.requestDone = codec.ourState() != Http1State.BODY;
            o.stream().tell(new Attached(getContext().getSelf(), x.id, "1.1", endpoint.url()));
            addPart(x, first);
        }
    }

    private void addPart(Http1UpstreamExchange c, RequestPart part) {
        for (ByteBuffer b : part.data()) {
            if (b.hasRemaining()) {
                c.body.add(b);
            }
        }
        if (part.trailers() != null) {
            c.requestTrailers = part.trailers();
        }
        c.requestEnd |= part.end();
        if (c.requestDone && !c.tunnel && part.bytes() > 0) {
            // A request that has no body on HTTP/1.1 (the WebSocket handshake before its 101): nothing to send on.
            c.body.clear();
            c.stream.tell(new RequestCredit(part.bytes()));
        }
    }

    /** Writes request bytes while no write is in flight, and reports them to the Stream as credit. */
    private void writeRequest() {
        Http1UpstreamExchange c = x;
        if (c == null || closing || socket.writing() || !connected) {
            return;
        }
        int moved = 0;
        ByteString raw = ByteString.emptyByteString();
        try {
            while (!c.body.isEmpty() && moved < WRITE_CHUNK) {
                ByteBuffer b = c.body.peek();
                int n = Math.min(b.remaining(), WRITE_CHUNK - moved);
                ByteBuffer slice = b.slice(b.position(), n);
                b.position(b.position() + n);
                if (!b.hasRemaining()) {
                    c.body.poll();
                }
                if (c.tunnel) {
                    raw = raw.concat(ByteString.fromByteBuffer(slice));
                } else {
                    codec.sendData(slice);
                }
                moved += n;
            }
            if (c.body.isEmpty() && c.requestEnd && !c.requestDone && !c.tunnel) {
                endRequest(c);
            }
        } catch (Http1Exception err) {
            // The request's body disagrees with its own framing (more or fewer bytes than its content-length).
            getContext().getLog().debug("request body refused by the HTTP/1.1 codec: {}", err.toString());
            fail(c, Failure.LOST);
            return;
        }
        ByteBuffer out = codec.dataToSend();
        if (out.hasRemaining()) {
            socket.write(ByteString.fromArrayUnsafe(out.array(), out.arrayOffset() + out.position(), out.remaining()));
        }
        if (raw.nonEmpty()) {
            socket.write(raw);
        }
        if (c.tunnel && c.body.isEmpty() && c.requestEnd && !c.requestDone) {
            c.requestDone = true;
            socket.shutdownOutput(); // the client's end of the tunnel is our FIN
        }
        if (moved > 0) {
            c.stream.tell(new RequestCredit(moved));
        }
    }

    /** Trailers go out only with chunked framing (RFC 9112 §7.1.2); a content-length request drops them. */
    private void endRequest(Http1UpstreamExchange c) {
        if (c.requestTrailers != null && !c.requestTrailers.isEmpty()) {
            try {
                codec.sendTrailers(Http1Mapping.fields(c.requestTrailers));
            } catch (Http1Exception notChunked) {
                getContext().getLog().debug("request trailers dropped: {}", notChunked.getMessage());
                codec.endMessage();
            }
        } else {
            codec.endMessage();
        }
        c.requestDone = true;
    }

    /** The Stream gave up the exchange: HTTP/1.1 cannot stop one message and keep the connection. */
    private void abandon() {
        Http1UpstreamExchange c = x;
        retire(c);
        closeConnection(true);
    }

    // ---- socket and codec events ----------------------------------------------------------------------------------

    private Behavior<ToUpstream> onNet(SocketEvent e) {
        if (e instanceof SocketEvent.Received r) {
            onReceived(r.bytes());
            return this;
        }
        if (e instanceof SocketEvent.Connected) {
            onConnected();
            return this;
        }
        if (e instanceof SocketEvent.Writable) {
            pump();
            return this;
        }
        if (e instanceof SocketEvent.ConnectFailed f) {
            getContext().getLog().debug("connect to {} failed: {}", endpoint, f.cause().toString());
            pool.tell(new UpstreamPool.ConnectFailed(getContext().getSelf()));
            return unreachable();
        }
        if (e instanceof SocketEvent.PeerClosed) {
            onPeerClosed();
            return this;
        }
        if (e instanceof SocketEvent.Closed || e instanceof SocketEvent.Failed) {
            if (!connected) {
                // A TLS handshake that failed: as unreachable as a refused connection.
                getContext().getLog().debug("connection to {} failed: {}", endpoint, e);
                pool.tell(new UpstreamPool.ConnectFailed(getContext().getSelf()));
                return unreachable();
            }
            if (x != null && x.tunnel && e instanceof SocketEvent.Closed) {
                // Our FIN went first (the client ended its side): the backend's FIN ends the tunnel cleanly.
                x.response.end = true;
                x.touched = true;
                dispatch(x);
                retire(x);
            } else if (x != null) {
                lost(x);
            }
            while (!waiting.isEmpty()) {
                bounce(waiting.poll(), Failure.NOT_PROCESSED);
            }
            reportCompleted();
            return Behaviors.stopped();
        }
        return this;
    }

    /** The connection never came up: the pool knows, and requests still on their way are answered. */
    private Behavior<ToUpstream> unreachable() {
        pc.metrics().connectFailed(cluster.name());
        while (!waiting.isEmpty()) {
            bounce(waiting.poll(), Failure.CONNECT_FAILED);
        }
        pc.metrics().upstreamClosed(cluster.name()); // PostStop will not run here: the behaviour changes first
        return Unreachable.behavior();
    }

    private void onConnected() {
        connected = true;
        pool.tell(new UpstreamPool.Ready(getContext().getSelf(), 1));
        pump();
    }

    private void onReceived(ByteString bytes) {
        if (closing) {
            return; // reads are acknowledged by the socket once closing
        }
        Http1UpstreamExchange c = x;
        if (c != null && c.tunnel) {
            if (!bytes.isEmpty()) {
                c.add(bytes.asByteBuffer());
                hold(c, bytes.length());
            }
        } else {
            boolean copy = codec.holdsInput();
            List<Http1Event> events;
            try {
                events = codec.receiveData(bytes.asByteBuffer());
            } catch (Http1Exception err) {
                events = List.of(new Http1Event.Malformed(502, err.getMessage(), true));
            }
            handle(events, copy);
        }
        afterInput();
        if (closing) {
            return;
        }
        if (x != null && x.unacked >= readLimit) {
            readHeld = true;
        } else {
            socket.resumeReading();
        }
    }

    private void onPeerClosed() {
        Http1UpstreamExchange c = x;
        if (c != null && c.tunnel) {
            // The backend's end of the tunnel; the client's side may still send (half-close), pump closes once both end.
            c.response.end = true;
            c.touched = true;
            afterInput();
            return;
        } else if (c != null && !c.anyResponse) {
            lost(c); // closed before any byte of the response: perhaps a stale keep-alive connection
        } else {
            handle(codec.receiveEof(), false);
        }
        afterInput();
        closeConnection(false);
    }

    private void handle(List<Http1Event> events, boolean copy) {
        Http1UpstreamExchange c = x;
        for (Http1Event e : events) {
            if (e instanceof Http1Event.Malformed m) {
                getContext().getLog().debug("invalid response from {}: {}", endpoint, m.reason());
                if (c != null) {
                    dispatch(c);
                    x = null;
                    forget(c);
                    c.stream.tell(new UpstreamReset(ErrorCode.PROTOCOL_ERROR.code(), false, false));
                }
                closeConnection(true);
                return;
            }
            if (c == null) {
                continue; // ConnectionClosed on an idle connection
            }
            c.anyResponse = true;
            if (e instanceof Http1Event.ResponseHead h) {
                if (h.informational() && !(h.status() == 101 && c.websocket)) {
                    c.response.addInformational(Http1Mapping.response(h, false));
                } else {
                    c.response.head = Http1Mapping.response(h, c.websocket);
                }
                c.touched = true;
            } else if (e instanceof Http1Event.Data d) {
                ByteBuffer b = d.data();
                if (copy) {
                    ByteBuffer own = ByteBuffer.allocate(b.remaining());
                    own.put(b).flip();
                    b = own.asReadOnlyBuffer();
                }
                int n = b.remaining();
                if (n > 0) {
                    c.add(b);
                    hold(c, n);
                }
            } else if (e instanceof Http1Event.Trailers t) {
                c.response.trailers = Http1Mapping.trailers(t.fields());
                c.touched = true;
            } else if (e instanceof Http1Event.EndOfMessage) {
                c.response.end = true;
                c.touched = true;
            } else if (e instanceof Http1Event.ProtocolSwitched p) {
                // 101 to the WebSocket handshake, or 2xx to CONNECT (RFC 9110 §9.3.6): raw bytes from here on.
                c.tunnel = true;
                c.requestDone = false;
                draining();
                if (p.trailingData().hasRemaining()) {
                    c.add(p.trailingData());
                    hold(c, p.trailingData().remaining());
                }
                c.touched = true;
            }
        }
    }

    /** After a batch: one message to the Stream, then whether the exchange is over. */
    private void afterInput() {
        Http1UpstreamExchange c = x;
        if (c != null) {
            dispatch(c);
        }
        pump();
    }

    private void dispatch(Http1UpstreamExchange c) {
        if (c.touched) {
            c.stream.tell(new ResponseData(c.takePart()));
        }
    }

    /** The connection ended before the response did. */
    private void lost(Http1UpstreamExchange c) {
        x = null;
        forget(c);
        Failure f = !c.anyResponse && c.idempotent ? Failure.NOT_PROCESSED : Failure.LOST;
        c.stream.tell(new UpstreamFailed(f));
    }

    private void fail(Http1UpstreamExchange c, Failure failure) {
        x = null;
        forget(c);
        c.stream.tell(new UpstreamFailed(failure));
        closeConnection(true);
    }

    // ---- life ------------------------------------------------------------------------------------------------------

    private void pump() {
        startNext();
        writeRequest();
        Http1UpstreamExchange c = x;
        if (c != null && c.responseEnded && !c.tunnel) {
            finishExchange(c);
        } else if (c != null && c.tunnel && c.responseEnded && c.requestDone) {
            retire(c);
            closeConnection(false);
        }
        reportCompleted();
        if (draining && x == null && waiting.isEmpty() && !closing) {
            closeConnection(false);
        }
        updateIdleTimer();
    }

    /**
     * The response is complete. If the request is too, the connection carries the next one (when both sides keep it
     * alive). If the backend answered before the whole request went out (RFC 9112 §9.3 lets a server do so), the
     * rest is not sent: the connection cannot be reused, and a client still uploading is stopped with NO_ERROR after
     * the response, as an HTTP/2 server would (RFC 9113 §8.1).
     */
    private void finishExchange(Http1UpstreamExchange c) {
        if (!c.requestDone) {
            long dropped = 0;
            for (ByteBuffer b : c.body) {
                dropped += b.remaining();
            }
            c.body.clear();
            if (dropped > 0) {
                c.stream.tell(new RequestCredit((int) dropped));
            }
            draining();
        }
        if (!c.requestEnd) {
            c.stream.tell(new UpstreamReset(ErrorCode.NO_ERROR.code(), false, true));
        }
        retire(c);
        if (!codec.keepAlive() || codec.ourState() != Http1State.IDLE || codec.theirState() != Http1State.IDLE) {
            draining(); // Connection: close, HTTP/1.0, a close-delimited body, or a request cut short
        }
    }

    /** The exchange is over for this connection; credit still owed by the Stream no longer holds reading back. */
    private void retire(Http1UpstreamExchange c) {
        if (x == c) {
            x = null;
        }
        forget(c);
        if (readHeld && !closing) {
            readHeld = false;
            socket.resumeReading();
        }
    }

    private void forget(Http1UpstreamExchange c) {
        if (c.unacked > 0) {
            unhold(c, (int) c.unacked);
        }
        completed++;
    }

    private void draining() {
        if (!draining) {
            draining = true;
            pool.tell(new UpstreamPool.Draining(getContext().getSelf()));
        }
    }

    private void closeConnection(boolean abort) {
        draining();
        while (!waiting.isEmpty()) {
            bounce(waiting.poll(), Failure.NOT_PROCESSED);
        }
        reportCompleted();
        if (closing) {
            if (abort) {
                socket.abort();
            }
            return;
        }
        closing = true;
        timers.cancel(Timer.IDLE);
        if (abort) {
            socket.abort();
        } else {
            socket.close();
            timers.startSingleTimer(Timer.ABORT, Timer.ABORT, ABORT_AFTER);
        }
    }

    private void reportCompleted() {
        if (completed != reportedCompleted) {
            reportedCompleted = completed;
            pool.tell(new UpstreamPool.Completed(getContext().getSelf(), completed));
        }
    }

    private void updateIdleTimer() {
        Duration idle = cluster.idleTimeout();
        if (idle.isZero() || closing) {
            return;
        }
        boolean idleNow = x == null && waiting.isEmpty();
        boolean active = timers.isTimerActive(Timer.IDLE);
        if (idleNow && !active) {
            timers.startSingleTimer(Timer.IDLE, Timer.IDLE, idle);
        } else if (!idleNow && active) {
            timers.cancel(Timer.IDLE);
        }
    }

    private Behavior<ToUpstream> onIdle() {
        if (x == null && waiting.isEmpty() && !closing) {
            // Requests the pool sent before it saw Draining come back NOT_PROCESSED, and are retried.
            closeConnection(false);
        }
        return this;
    }

    private void hold(Http1UpstreamExchange c, int n) {
        c.unacked = held.hold(c.unacked, n);
    }

    private void unhold(Http1UpstreamExchange c, int n) {
        c.unacked = held.unhold(c.unacked, n);
    }
}
