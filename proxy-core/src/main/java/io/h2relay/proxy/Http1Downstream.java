package io.h2relay.proxy;

import io.h2relay.engine.H2Connection;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import io.h2relay.http1.Http1Connection;
import io.h2relay.http1.Http1Event;
import io.h2relay.http1.Http1Exception;
import io.h2relay.http1.Http1Field;
import io.h2relay.http1.Http1Role;
import io.h2relay.http1.Http1State;
import io.h2relay.http1.Http1Version;
import io.h2relay.io.Socket;
import io.h2relay.io.SocketEvent;
import io.h2relay.proxy.DownstreamConnection.Drain;
import io.h2relay.proxy.DownstreamConnection.Net;
import io.h2relay.proxy.Exchange.ClientReset;
import io.h2relay.proxy.Exchange.ForStream;
import io.h2relay.proxy.Exchange.ForStreams;
import io.h2relay.proxy.Exchange.RequestConsumed;
import io.h2relay.proxy.Exchange.RequestData;
import io.h2relay.proxy.Exchange.RequestPart;
import io.h2relay.proxy.Exchange.ResetClientStream;
import io.h2relay.proxy.Exchange.Respond;
import io.h2relay.proxy.Exchange.ResponseCredit;
import io.h2relay.proxy.Exchange.ResponsePart;
import io.h2relay.proxy.Exchange.StreamEnded;
import io.h2relay.proxy.Exchange.ToDownstream;
import io.h2relay.proxy.Http1Heads.Kind;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.util.ByteString;

/**
 * One HTTP/1.1 client connection on the sans-IO {@link Http1Connection}: each request becomes a {@link Stream}, as an
 * HTTP/2 stream does, with a synthetic stream id (1, 3, 5, ...) and the same messages ({@link Respond},
 * {@link RequestConsumed}, {@link ResetClientStream}).
 *
 * <p><b>Pipelining</b> (RFC 9112 §9.3.2): the codec parses the next request only once the current response is
 * complete, holding at most its {@code maxBufferedInput} of pipelined bytes (then reading stops). So exchanges run
 * one after the other and responses go out strictly in request order with nothing to reorder or queue.
 *
 * <p><b>Credit.</b> Request body bytes handed to the Stream count until it reports them consumed; reading stops while
 * a stream window's worth ({@code flow-control.stream-window}) is outstanding, so a slow backend stops the client's
 * TCP window, not our heap. Response bytes are reported to the Stream ({@link ResponseCredit}) once the socket's
 * queue behind the write in flight is under {@link #SOCKET_LOW}.
 *
 * <p><b>Upgrades.</b> {@code Upgrade: h2c} (RFC 7540 §3.2) switches this actor to {@link DownstreamConnection} with
 * the request as stream 1; we take it only for a request without a body (as nghttpx does: a request with a body is
 * served as HTTP/1.1, the upgrade ignored, which RFC 9110 §7.8 allows), so nothing has to be buffered. A WebSocket
 * handshake travels as extended CONNECT (RFC 8441), a plain CONNECT as CONNECT; once the backend accepts, the
 * connection is a byte tunnel with credit both ways, until either side closes. Other upgrades are ignored.
 *
 * <p><b>Errors.</b> A malformed request (every smuggling door the codec closes) is answered with the codec's status
 * (400, 413, 414, 431, 501, 505) and the connection closes; a request never reaches a Stream before its head is
 * valid. A response that cannot be completed (backend reset, broken framing) aborts the connection: HTTP/1.1 has no
 * other way to tell the client the message is truncated.
 */
final class Http1Downstream extends AbstractBehavior<ToDownstream> {

    sealed interface Internal extends ToDownstream permits Timer {}

    enum Timer implements Internal { IDLE, ABORT, DRAIN_DEADLINE }

    /** Unwritten socket bytes under which response bytes count as sent (credit flows); at 4x, reading stops too. */
    static final long SOCKET_LOW = 64 * 1024;

    /** Response bytes written to the socket and not yet reported to their Stream. */
    private record Owed(Stream stream, long bytes) {}

    private final ProxyContext pc;
    private final TimerScheduler<ToDownstream> timers;
    private final ListenerRuntime listener;
    private final Socket socket;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private final String scheme;
    /** What {@code :authority} becomes for a request without Host (RFC 9112 §3.3): the address it arrived on. */
    private final String localAuthority;
    private final Http1Connection codec = new Http1Connection(Http1Role.SERVER);
    /** Streams not yet ended: this exchange's, and earlier ones still waiting for credit. */
    private final Map<Integer, Stream> live = new HashMap<>();
    /** The Streams of this connection's requests, and what they sent. */
    private final HostedStreams hosted;
    private final List<Owed> owed = new ArrayList<>(2);
    private final int window;
    private Http1Exchange cur;
    private int nextId = 1;
    private final HeldBytes held;
    private boolean closing;
    private boolean draining;

    Http1Downstream(ActorContext<ToDownstream> ctx, TimerScheduler<ToDownstream> timers, ProxyContext pc,
            ListenerRuntime listener, Socket socket, InetSocketAddress remote, InetSocketAddress local,
            String scheme) {
        super(ctx);
        this.pc = pc;
        this.held = new HeldBytes(pc.metrics());
        this.timers = timers;
        this.hosted = new HostedStreams(ctx, timers);
        this.listener = listener;
        this.socket = socket;
        this.remote = remote;
        this.local = local;
        this.scheme = scheme;
        this.window = pc.flow().streamWindow();
        String ip = local.getAddress().getHostAddress();
        int scope = ip.indexOf('%');
        ip = scope < 0 ? ip : ip.substring(0, scope);
        this.localAuthority = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + local.getPort();
        javax.net.ssl.SSLSession session = socket.tlsSession();
        pc.metrics().downstreamOpened(ClientSide.HTTP_1_1, session == null ? null : session.getProtocol(),
                socket.applicationProtocol());
        updateIdleTimer();
    }

    @Override
    public Receive<ToDownstream> createReceive() {
        return newReceiveBuilder()
                .onMessage(Net.class, n -> ConnectionFront.inbound(this, socket, n.event()))
                .onMessage(ForStream.class, f -> {
                    f.to().stream.receive(f.message());
                    return settle(this);
                })
                .onMessage(ForStreams.class, b -> {
                    for (ForStream f : b.all()) {
                        f.to().stream.receive(f.message());
                    }
                    return settle(this);
                })
                .onMessageEquals(RequestDeadlines.Tick.INSTANCE, () -> {
                    hosted.deadlines().fire();
                    return settle(this);
                })
                .onMessage(Drain.class, d -> settle(onDrain(d)))
                .onMessageEquals(Timer.IDLE, () -> {
                    if (cur == null) {
                        close();
                    }
                    return this;
                })
                .onMessageEquals(Timer.ABORT, () -> {
                    socket.abort();
                    return this;
                })
                .onMessageEquals(Timer.DRAIN_DEADLINE, () -> {
                    socket.abort();
                    return Behaviors.stopped();
                })
                .onSignal(PostStop.class, s -> {
                    for (Stream stream : live.values()) {
                        stream.connectionClosed(); // its backend stream is cancelled
                    }
                    hosted.flush();
                    hosted.dropOutput();
                    held.clear();
                    pc.metrics().downstreamClosed(ClientSide.HTTP_1_1);
                    return this;
                })
                .build();
    }

    // ---- socket -------------------------------------------------------------------------------------------------

    /** One plaintext socket event (after {@link Socket#inbound}). */
    Behavior<ToDownstream> onPlain(SocketEvent e) {
        return settle(plain(e));
    }

    private Behavior<ToDownstream> plain(SocketEvent e) {
        if (e instanceof SocketEvent.Received r) {
            if (closing) {
                return this; // input after our close is acknowledged and dropped
            }
            if (cur != null && cur.tunnel) {
                if (!cur.dead && !cur.requestEnded) {
                    ByteBuffer b = r.bytes().asByteBuffer();
                    cur.batch.add(b);
                    hold(cur, b.remaining());
                }
                dispatch();
                resumeReading();
                return this;
            }
            boolean held = codec.holdsInput();
            Behavior<ToDownstream> next = handle(codec.receiveData(r.bytes().asByteBuffer()), held);
            return next != this ? next : afterInput();
        }
        if (e instanceof SocketEvent.Writable) {
            reportCredit();
            resumeReading();
            return this;
        }
        if (e instanceof SocketEvent.PeerClosed) {
            return onPeerClosed();
        }
        if (e instanceof SocketEvent.Closed || e instanceof SocketEvent.Failed) {
            return Behaviors.stopped(); // the Streams end with us (PostStop); their upstream streams are cancelled
        }
        return this;
    }

    private Behavior<ToDownstream> onPeerClosed() {
        if (closing) {
            return this;
        }
        if (cur != null && cur.tunnel) {
            if (!cur.requestEnded) {
                cur.requestEnded = true; // the client's close ends its side of the tunnel (contract C3)
                cur.batch.end = true;
                dispatch();
            }
            return this;
        }
        Behavior<ToDownstream> next = handle(codec.receiveEof(), true);
        if (next != this) {
            return next;
        }
        if (cur == null || !cur.requestEnded) {
            if (cur != null && !cur.dead) {
                cancel(cur); // the upload was cut short: the request cannot be completed
            }
            close(); // no request left to answer
            return this;
        }
        if (!cur.responseEnded && !cur.dead) {
            // The client left while its request is still being answered. A client that half-closes and still reads
            // is rare; like nginx (its 499), take the FIN as an abort, so the backend exchange is cancelled rather
            // than run on for nobody.
            getContext().getLog().debug("client {} closed the connection before its response was complete", remote);
            cancel(cur);
            close();
            return this;
        }
        return afterInput(); // the response is complete and still going out; the codec closes after it
    }

    /** After a batch of codec events: hand the parts on, move to the next exchange if this one is over, read on. */
    private Behavior<ToDownstream> afterInput() {
        dispatch();
        Behavior<ToDownstream> next = advance();
        if (next != this) {
            return next;
        }
        flushOut();
        resumeReading();
        updateIdleTimer();
        return this;
    }

    private Behavior<ToDownstream> handle(List<Http1Event> events, boolean copyData) {
        for (Http1Event e : events) {
            if (e instanceof Http1Event.RequestHead h) {
                startExchange(h);
            } else if (e instanceof Http1Event.Data d) {
                if (cur != null && !cur.dead && !cur.requestEnded) {
                    ByteBuffer b = copyData ? copy(d.data()) : d.data();
                    if (b.hasRemaining()) {
                        cur.batch.add(b);
                        hold(cur, b.remaining());
                    }
                }
            } else if (e instanceof Http1Event.Trailers t) {
                if (cur != null && !cur.dead) {
                    List<Header> fields = new ArrayList<>(t.fields().size());
                    for (Http1Field f : t.fields()) {
                        fields.add(Header.of(f.name(), f.value()));
                    }
                    cur.batch.trailers = ForwardingHeaders.withoutConnectionSpecific(fields);
                }
            } else if (e instanceof Http1Event.EndOfMessage) {
                Behavior<ToDownstream> next = endOfRequest();
                if (next != this) {
                    return next;
                }
            } else if (e instanceof Http1Event.Malformed m) {
                malformed(m);
            }
            // ConnectionClosed: the client closed between requests; onPeerClosed closes.
        }
        return this;
    }

    private void startExchange(Http1Event.RequestHead h) {
        Kind kind = Http1Heads.kind(h, listener.allowsH2cUpgrade());
        boolean http10 = h.version() == Http1Version.HTTP_1_0;
        cur = new Http1Exchange(nextId, kind, http10);
        nextId += 2;
        cur.head = Http1Heads.request(h, scheme, localAuthority, kind);
        cur.client = new ForwardingHeaders.ClientConnection(remote, local, scheme, http10 ? "1.0" : "1.1");
        if (kind == Kind.H2C_UPGRADE) {
            cur.upgradeSettings = Http1Heads.http2Settings(h.headers());
        }
        pc.metrics().request();
        timers.cancel(Timer.IDLE);
    }

    private Behavior<ToDownstream> endOfRequest() {
        if (cur == null) {
            return this;
        }
        switch (cur.kind) {
            case H2C_UPGRADE -> {
                return upgrade();
            }
            case WEBSOCKET, CONNECT -> {
                // The request goes on as tunnel bytes once the backend accepts; until then it is not ended.
            }
            default -> {
                cur.requestEnded = true;
                cur.batch.end = !cur.dead;
            }
        }
        return this;
    }

    /**
     * RFC 7540 §3.2: 101, then the HTTP/2 connection, whose stream 1 is this request. When the HTTP2-Settings value
     * does not make a valid SETTINGS frame, the upgrade is declined and the request served as HTTP/1.1.
     */
    private Behavior<ToDownstream> upgrade() {
        H2Connection engine = new H2Connection(pc.serverEngine());
        try {
            EngineSettings.startUpgraded(engine, pc.flow(), cur.upgradeSettings);
        } catch (RuntimeException invalid) {
            getContext().getLog().debug("declining an h2c upgrade: {}", invalid.toString());
            Http1Exchange x = new Http1Exchange(cur.id, Kind.ORDINARY, false);
            x.head = cur.head;
            x.client = cur.client;
            x.requestEnded = true;
            x.batch.end = true;
            cur = x;
            return this;
        }
        codec.sendInformational(101, List.of(Http1Field.of("Connection", "Upgrade"), Http1Field.of("Upgrade",
                "h2c")));
        flushOut();
        ByteBuffer trailing = codec.takeTrailingData();
        // Earlier exchanges are complete and only wait for credit: what they send back is no longer handled.
        live.clear();
        for (Owed o : owed) {
            o.stream().receive(new ResponseCredit((int) o.bytes()));
        }
        owed.clear();
        timers.cancelAll();
        pc.metrics().downstreamClosed(ClientSide.HTTP_1_1); // counted again as an HTTP/2 connection
        held.clear();
        DownstreamConnection h2 = DownstreamConnection.upgraded(getContext(), timers, pc, socket,
                ClientSide.of(listener.config().name(), new ForwardingHeaders.ClientConnection(remote, local, scheme,
                        "2")), engine, cur.head);
        return h2.onNet(new SocketEvent.Received(ByteString.fromByteBuffer(trailing)));
    }

    /** The codec found the request malformed: answer its status and close; nothing more is forwarded. */
    private void malformed(Http1Event.Malformed m) {
        getContext().getLog().debug("malformed request from {}: {} {}", remote, m.status(), m.reason());
        if (cur != null && !cur.responseEnded && !cur.dead) {
            cancel(cur);
        }
        if (codec.ourState() == Http1State.SEND_RESPONSE) {
            if (cur == null) {
                cur = new Http1Exchange(nextId, Kind.ORDINARY, false);
                nextId += 2;
                cur.dead = true;
            }
            cur.requestEnded = true;
            localAnswer(m.status(), m.reason() + "\n");
        } else {
            abort();
        }
    }

    // ---- to the Stream ------------------------------------------------------------------------------------------

    private void dispatch() {
        Http1Exchange x = cur;
        if (x == null || x.kind == Kind.H2C_UPGRADE || x.dead) {
            return;
        }
        RequestPart part = x.batch.takePart();
        if (x.head != null) {
            x.stream = Stream.start(pc, hosted, x.id, x.head, part, ClientSide.of(listener.config().name(),
                    x.client));
            live.put(x.id, x.stream);
            x.head = null;
        } else if (x.stream != null && !part.isEmpty()) {
            x.stream.receive(new RequestData(part));
        }
    }

    private void cancel(Http1Exchange x) {
        x.dead = true;
        release(x);
        if (x.stream != null) {
            x.stream.receive(new ClientReset(ErrorCode.CANCEL.code()));
        }
        x.head = null;
    }

    // ---- from the Stream ----------------------------------------------------------------------------------------

    /**
     * Handles what the Streams sent while this actor handled a message, in order, until one of them changes the
     * behaviour (a stop, or the switch to HTTP/2): the Streams' calls never re-enter the code that called them.
     */
    private Behavior<ToDownstream> settle(Behavior<ToDownstream> next) {
        ToDownstream m;
        while (next == this && (m = hosted.poll()) != null) {
            if (m instanceof Respond r) {
                next = onRespond(r);
            } else if (m instanceof RequestConsumed c) {
                next = onConsumed(c);
            } else if (m instanceof ResetClientStream r) {
                next = onResetRequested(r);
            } else if (m instanceof StreamEnded g) {
                next = onStreamGone(g);
            }
        }
        hosted.flush();
        return next;
    }

    private Behavior<ToDownstream> onRespond(Respond r) {
        Http1Exchange x = cur;
        if (x == null || r.streamId() != x.id || x.responseEnded || closing) {
            return this;
        }
        ResponsePart part = r.part();
        try {
            for (List<Header> info : part.informational()) {
                informational(x, info);
            }
            if (part.head() != null) {
                responseHead(x, part);
            }
            for (ByteBuffer b : part.data()) {
                if (x.tunnel) {
                    socket.write(ByteString.fromByteBuffer(b));
                } else {
                    codec.sendData(b.duplicate());
                }
            }
            if (part.bytes() > 0 && x.stream != null) {
                owed.add(new Owed(x.stream, part.bytes()));
            }
            if (part.end() && !x.responseEnded) {
                x.responseEnded = true;
                if (x.tunnel) {
                    flushOut();
                    close(); // the backend closed its side: the tunnel is over (contract C3)
                    return this;
                }
                if (part.trailers() != null && !part.trailers().isEmpty()) {
                    endWithTrailers(part.trailers());
                } else {
                    codec.endMessage();
                }
            }
        } catch (Http1Exception broken) {
            // What the backend sent cannot be written as HTTP/1.1 (a body past its Content-Length, say).
            getContext().getLog().debug("exchange {}: response not relayable: {}", x.id, broken.getMessage());
            if (!x.dead) {
                cancel(x);
            }
            if (!x.responseStarted && codec.ourState() == Http1State.SEND_RESPONSE) {
                localAnswer(502, "invalid response from the backend\n");
            } else {
                abort();
                return this;
            }
        }
        flushOut();
        return afterInput();
    }

    private void informational(Http1Exchange x, List<Header> info) {
        int status = Http1Heads.status(info);
        if (status == 100) {
            if (codec.peerAwaitsContinue()) {
                codec.sendInformational(100, List.of()); // RFC 9110 §10.1.1: the client may now send the body
            }
        } else if (status > 101 && status < 200 && !x.http10 && codec.ourState() == Http1State.SEND_RESPONSE) {
            codec.sendInformational(status, Http1Heads.fields(info)); // 103 Early Hints and the like
        }
    }

    private void responseHead(Http1Exchange x, ResponsePart part) {
        List<Header> head = part.head();
        int status = Http1Heads.status(head);
        boolean tunnelKind = x.kind == Kind.WEBSOCKET || x.kind == Kind.CONNECT;
        if (tunnelKind && status >= 200 && status < 300) {
            if (x.kind == Kind.WEBSOCKET) {
                codec.sendInformational(101, Http1Heads.switchingToWebSocket(head));
            } else {
                codec.sendResponseHead(status, tunnelFields(head), false);
            }
            x.responseStarted = true;
            startTunnel(x);
            return;
        }
        if (tunnelKind) {
            // Refused: an ordinary response, and the request (a head only) is complete.
            x.requestEnded = true;
            x.batch.end = !x.dead;
            dispatch();
        }
        List<Http1Field> fields = Http1Heads.fields(head);
        if (status == 204) {
            fields.removeIf(f -> f.name().equals("content-length"));
        }
        if (draining) {
            fields.add(Http1Field.of("Connection", "close"));
        }
        boolean endsHere = part.end() && part.bytes() == 0 && (part.trailers() == null || part.trailers().isEmpty());
        codec.sendResponseHead(status, fields, endsHere);
        x.responseStarted = true;
        if (endsHere) {
            x.responseEnded = true;
        }
    }

    private static List<Http1Field> tunnelFields(List<Header> head) {
        List<Http1Field> fields = Http1Heads.fields(head);
        fields.removeIf(f -> f.name().equals("content-length"));
        return fields;
    }

    /** Trailers go out in the chunked last-chunk; a Content-Length response has nowhere to put them (dropped). */
    private void endWithTrailers(List<Header> trailers) {
        try {
            codec.sendTrailers(Http1Heads.fields(trailers));
        } catch (Http1Exception notChunked) {
            codec.endMessage();
        }
    }

    private void startTunnel(Http1Exchange x) {
        x.tunnel = true;
        flushOut();
        ByteBuffer early = codec.takeTrailingData(); // bytes the client sent after its handshake
        if (early.hasRemaining() && !x.dead) {
            x.batch.add(early);
            hold(x, early.remaining());
        }
        dispatch();
    }

    private Behavior<ToDownstream> onConsumed(RequestConsumed c) {
        Http1Exchange x = cur;
        if (x != null && x.id == c.streamId() && x.unacked > 0) {
            unhold(x, (int) Math.min(c.bytes(), x.unacked));
            resumeReading();
        }
        return this;
    }

    private Behavior<ToDownstream> onResetRequested(ResetClientStream r) {
        Http1Exchange x = cur;
        if (x == null || x.id != r.streamId() || closing) {
            return this;
        }
        x.dead = true;
        release(x);
        if (x.responseEnded && !x.tunnel) {
            if (!x.requestEnded) {
                // Answered before the upload finished (RFC 9113 §8.1's NO_ERROR case): rather than read and discard
                // the rest of the body, close once the response is out.
                flushOut();
                close();
            }
            return this;
        }
        return cannotComplete(x);
    }

    private Behavior<ToDownstream> onStreamGone(StreamEnded g) {
        live.remove(g.streamId());
        Http1Exchange x = cur;
        if (x != null && x.id == g.streamId()) {
            x.stream = null;
            if (!x.responseEnded && !closing) {
                x.dead = true;
                release(x);
                return cannotComplete(x);
            }
        }
        return this;
    }

    /** The exchange's Stream is gone without a complete response: 502 if nothing was sent yet, else abort. */
    private Behavior<ToDownstream> cannotComplete(Http1Exchange x) {
        if (!x.responseStarted && codec.ourState() == Http1State.SEND_RESPONSE) {
            localAnswer(502, "the backend reset the request\n");
            return afterInput();
        }
        abort();
        return this;
    }

    // ---- output and the connection's life ------------------------------------------------------------------------

    /** An answer of our own to the current request (it ends the exchange); the connection closes if it must. */
    private void localAnswer(int status, String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        List<Http1Field> fields = new ArrayList<>(3);
        fields.add(Http1Field.of("Content-Type", "text/plain; charset=utf-8"));
        fields.add(Http1Field.of("Content-Length", Integer.toString(body.length)));
        if (draining) {
            fields.add(Http1Field.of("Connection", "close"));
        }
        codec.sendResponseHead(status, fields, false);
        codec.sendData(ByteBuffer.wrap(body));
        codec.endMessage();
        pc.metrics().localResponse();
        if (cur != null) {
            cur.responseStarted = true;
            cur.responseEnded = true;
        }
        flushOut();
    }

    /**
     * Moves past exchanges that are over: closes when the codec says the connection must close (or we drain), else
     * parses the next pipelined request the codec held.
     */
    private Behavior<ToDownstream> advance() {
        while (cur != null && cur.responseEnded && (cur.requestEnded || codec.ourState() == Http1State.MUST_CLOSE)
                && !cur.tunnel && !closing) {
            Http1State state = codec.ourState();
            if (state == Http1State.MUST_CLOSE || state == Http1State.CLOSED || draining) {
                release(cur);
                flushOut();
                close();
                return this;
            }
            if (state != Http1State.IDLE) {
                return this;
            }
            release(cur);
            cur = null;
            Behavior<ToDownstream> next = handle(codec.pollEvents(), true);
            if (next != this) {
                return next;
            }
            dispatch();
        }
        return this;
    }

    private void flushOut() {
        ByteBuffer out = codec.dataToSend();
        if (out.hasRemaining()) {
            socket.write(ByteString.fromArrayUnsafe(out.array(), out.arrayOffset() + out.position(), out.remaining()));
        }
        reportCredit();
    }

    /** Response bytes count as sent once little is queued behind the write in flight (see {@link #SOCKET_LOW}). */
    private void reportCredit() {
        if (owed.isEmpty() || socket.pendingBytes() >= SOCKET_LOW) {
            return;
        }
        for (Owed o : owed) {
            o.stream().receive(new ResponseCredit((int) o.bytes()));
        }
        owed.clear();
    }

    /** Asks for the next read unless the codec, the Stream's credit or the socket's output says wait. */
    private void resumeReading() {
        if (closing) {
            return;
        }
        boolean tunnelBlocked = cur != null && cur.tunnel && cur.requestEnded;
        if (codec.readPaused() || tunnelBlocked || cur != null && cur.unacked >= window
                || socket.pendingBytes() >= 4 * SOCKET_LOW) {
            return; // RequestConsumed or Writable resumes
        }
        socket.resumeReading();
    }

    private void updateIdleTimer() {
        Duration idle = pc.timeouts().idle();
        if (idle.isZero() || closing) {
            return;
        }
        boolean active = timers.isTimerActive(Timer.IDLE);
        if (cur == null && !active) {
            timers.startSingleTimer(Timer.IDLE, Timer.IDLE, idle);
        } else if (cur != null && active) {
            timers.cancel(Timer.IDLE);
        }
    }

    private void close() {
        if (closing) {
            return;
        }
        closing = true;
        timers.cancel(Timer.IDLE);
        socket.close();
        timers.startSingleTimer(Timer.ABORT, Timer.ABORT, pc.timeouts().abort());
    }

    /** The response cannot be completed: reset the connection so the client cannot take a truncated message. */
    private void abort() {
        closing = true;
        socket.abort();
    }

    private Behavior<ToDownstream> onDrain(Drain d) {
        draining = true;
        if (d.deadline().isZero()) {
            socket.abort();
            return Behaviors.stopped();
        }
        if (cur == null) {
            close();
        } else {
            timers.startSingleTimer(Timer.DRAIN_DEADLINE, Timer.DRAIN_DEADLINE, d.deadline());
        }
        return this;
    }

    // ---- the gauge ---------------------------------------------------------------------------------------------

    private void hold(Http1Exchange x, int n) {
        x.unacked = held.hold(x.unacked, n);
    }

    private void unhold(Http1Exchange x, int n) {
        x.unacked = held.unhold(x.unacked, n);
    }

    private void release(Http1Exchange x) {
        if (x.unacked > 0) {
            unhold(x, (int) x.unacked);
        }
    }

    private static ByteBuffer copy(ByteBuffer view) {
        byte[] bytes = new byte[view.remaining()];
        view.duplicate().get(bytes);
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }
}
