package io.h2relay.proxy;

import io.h2relay.engine.Event;
import io.h2relay.engine.H2Connection;
import io.h2relay.engine.H2Error;
import io.h2relay.engine.StreamState;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import io.h2relay.io.Socket;
import io.h2relay.io.SocketEvent;
import io.h2relay.io.TlsSocket;
import io.h2relay.proxy.Exchange.ClientReset;
import io.h2relay.proxy.Exchange.ForStream;
import io.h2relay.proxy.Exchange.ForStreams;
import io.h2relay.proxy.Exchange.PriorityChange;
import io.h2relay.proxy.Exchange.RequestConsumed;
import io.h2relay.proxy.Exchange.RequestData;
import io.h2relay.proxy.Exchange.RequestPart;
import io.h2relay.proxy.Exchange.ResetClientStream;
import io.h2relay.proxy.Exchange.Respond;
import io.h2relay.proxy.Exchange.ResponseCredit;
import io.h2relay.proxy.Exchange.ResponsePart;
import io.h2relay.proxy.Exchange.StreamEnded;
import io.h2relay.proxy.Exchange.ToDownstream;
import io.h2relay.tls.H2Security;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLSession;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One client connection: owns the server-side engine and hosts a {@link Stream} per request (an object on this
 * actor's thread, not an actor).
 *
 * <p>Request bytes are acknowledged to the client (reopening its windows) only when the Stream reports them taken by
 * the backend ({@link RequestConsumed}); response bytes are reported to the Stream ({@link ResponseCredit}) only once
 * the engine cut them into frames for a socket write. What this connection holds is therefore bounded by the windows
 * it announced: {@code stream-window} per stream, {@code connection-window} in all.
 *
 * <p>Timers: no open stream for {@code timeouts.idle} gets GOAWAY and a graceful close; a close the peer does not
 * complete within {@code timeouts.abort} becomes a reset; a drain (GOAWAY, in-flight exchanges finish) has a deadline
 * after which the remaining exchanges are cut.
 */
final class DownstreamConnection extends AbstractBehavior<ToDownstream> {

    sealed interface Internal extends ToDownstream permits Net, Timer, Drain {}

    record Net(SocketEvent event) implements Internal {}

    enum Timer implements Internal { IDLE, ABORT, DRAIN_DEADLINE }

    /** GOAWAY now; exchanges under way may run until {@code deadline} ({@link Duration#ZERO}: cut them now). */
    record Drain(Duration deadline) implements Internal {}

    /** Marks an entry whose Stream is gone: reset the client stream by its state once the response drained. */
    private static final int RESET_BY_STATE = -2;
    private static final int NO_RESET = -1;

    /** One request as this connection sees it. */
    private static final class Entry {
        final int id;
        Stream stream;
        /** The request head, until the Stream is started at the end of the batch that brought it. */
        List<Header> head;
        /** Request body, trailers and end gathered in the current batch. */
        final RequestBatch batch = new RequestBatch();
        String priority;
        boolean touched;
        /** Request bytes received and not yet credited to the client. */
        long unacked;
        /** Response bytes queued in the engine and not yet reported sent. */
        long queuedResponse;
        int resetAfterDrain = NO_RESET;

        Entry(int id) {
            this.id = id;
        }
    }

    private final ProxyContext pc;
    private final TimerScheduler<ToDownstream> timers;
    private final H2Connection engine;
    private final EngineSocket io;
    private final ClientSide client;
    private final Map<Integer, Entry> streams = new HashMap<>();
    private final List<Entry> touched = new ArrayList<>();
    /** Entries with response bytes to report, or a reset waiting for their queue to drain. */
    private final Set<Entry> watched = new LinkedHashSet<>();
    private final HeldBytes held;
    /** The Streams of this connection's requests, and what they sent. */
    private final HostedStreams hosted;
    private boolean peerGoingAway;
    private boolean draining;
    /** Whether the RFC 9113 §9.2 check of the TLS session has been made (at once on cleartext). */
    private boolean securityChecked;

    /**
     * HTTP/2 with prior knowledge (or ALPN "h2"), chosen by {@link ConnectionFront} on an attached socket. The caller
     * then hands over the bytes read so far through {@link #onNet} (which also resumes reading).
     */
    static DownstreamConnection prior(ActorContext<ToDownstream> ctx, TimerScheduler<ToDownstream> timers,
            ProxyContext pc, Socket socket, ClientSide client) {
        H2Connection engine = new H2Connection(pc.serverEngine());
        EngineSettings.start(engine, pc.flow());
        return new DownstreamConnection(ctx, timers, pc, engine, socket, client, null);
    }

    /**
     * An h2c Upgrade (RFC 7540 §3.2) that the HTTP/1.1 connection has answered with 101: {@code engine} was started
     * with {@link H2Connection#initiateUpgradeConnection} and the upgraded request {@code head} (HTTP/2 fields, no
     * body) becomes stream 1, half-closed (remote). The caller then feeds the bytes that followed the request through
     * {@link #onNet}.
     */
    static DownstreamConnection upgraded(ActorContext<ToDownstream> ctx, TimerScheduler<ToDownstream> timers,
            ProxyContext pc, Socket socket, ClientSide client, H2Connection engine,
            List<Header> head) {
        return new DownstreamConnection(ctx, timers, pc, engine, socket, client, head);
    }

    private DownstreamConnection(ActorContext<ToDownstream> ctx, TimerScheduler<ToDownstream> timers,
            ProxyContext pc, H2Connection engine, Socket socket, ClientSide client,
            List<Header> upgradedHead) {
        super(ctx);
        this.pc = pc;
        this.held = new HeldBytes(pc.metrics());
        this.timers = timers;
        this.hosted = new HostedStreams(ctx, timers);
        this.engine = engine;
        this.io = new EngineSocket(engine, socket);
        this.client = client;
        this.securityChecked = !(socket instanceof TlsSocket);
        javax.net.ssl.SSLSession session = socket.tlsSession();
        pc.metrics().downstreamOpened(client.protocol(), session == null ? null : session.getProtocol(),
                socket.applicationProtocol());
        if (upgradedHead != null) {
            Entry x = new Entry(1);
            x.head = upgradedHead;
            x.batch.end = true;
            streams.put(x.id, x);
            touch(x);
            dispatch(); // counted as a request by the HTTP/1.1 side that received it
        }
        io.flush();
        updateIdleTimer();
        settle(this);
    }

    /**
     * One case for every message (a type test chain below) rather than a case per type: the builder's cases are
     * objects per connection, ~0.7 KB of every idle connection's heap (docs/performance.md, (g)).
     */
    @Override
    public Receive<ToDownstream> createReceive() {
        return newReceiveBuilder()
                .onMessage(ToDownstream.class, this::onMessage)
                .onSignal(PostStop.class, s -> {
                    for (Entry x : streams.values()) {
                        if (x.stream != null) {
                            x.stream.connectionClosed(); // its backend stream is cancelled
                        }
                    }
                    hosted.flush();
                    hosted.dropOutput();
                    held.clear();
                    pc.metrics().downstreamClosed(client.protocol());
                    pc.metrics().abuse(ProxyMetrics.CLIENT, engine.abuseCounters());
                    return this;
                })
                .build();
    }

    private Behavior<ToDownstream> onMessage(ToDownstream m) {
        if (m instanceof Net n) {
            return io.inbound(n.event(), this::onNet, this);
        } else if (m instanceof ForStream f) {
            f.to().stream.receive(f.message());
            return settle(this);
        } else if (m instanceof ForStreams b) {
            for (ForStream f : b.all()) {
                f.to().stream.receive(f.message());
            }
            return settle(this);
        } else if (m == RequestDeadlines.Tick.INSTANCE) {
            hosted.deadlines().fire();
            return settle(this);
        } else if (m instanceof Drain d) {
            return settle(onDrain(d));
        } else if (m == Timer.IDLE) {
            return onIdle();
        } else if (m == Timer.ABORT) {
            pc.metrics().timeout(ProxyMetrics.CLIENT, "abort");
            io.socket().abort();
            return this;
        } else if (m == Timer.DRAIN_DEADLINE) {
            pc.metrics().timeout(ProxyMetrics.CLIENT, "drain");
            io.socket().abort();
            return Behaviors.stopped();
        }
        return Behaviors.unhandled();
    }

    // ---- socket -------------------------------------------------------------------------------------------------

    /** One plaintext socket event (after {@link io.h2relay.io.Socket#inbound}). */
    Behavior<ToDownstream> onNet(SocketEvent e) {
        return settle(net(e));
    }

    private Behavior<ToDownstream> net(SocketEvent e) {
        if ((e instanceof SocketEvent.Received || e instanceof SocketEvent.Writable) && refuseInadequateTls()) {
            return this;
        }
        if (e instanceof SocketEvent.Received r) {
            for (Event event : io.receive(r.bytes())) {
                handle(event);
            }
            dispatch();
            pump();
            io.resumeReading();
            return this;
        }
        if (e instanceof SocketEvent.Writable) {
            io.writable();
            pump();
            return this;
        }
        if (e instanceof SocketEvent.PeerClosed) {
            peerGoingAway = true; // no more requests can come; answers under way may still go out
            pump();
            return this;
        }
        if (e instanceof SocketEvent.Closed || e instanceof SocketEvent.Failed) {
            return Behaviors.stopped(); // the Streams end with us (PostStop); their upstream streams are cancelled
        }
        return this;
    }

    /**
     * RFC 9113 §9.2: once the TLS handshake is done, a session HTTP/2 may not use (TLS 1.2 on a cipher suite of
     * Appendix A) is closed with GOAWAY(INADEQUATE_SECURITY) before any request is read (§9.2.2).
     */
    private boolean refuseInadequateTls() {
        if (securityChecked) {
            return false;
        }
        SSLSession session = io.socket().tlsSession();
        if (session == null) {
            return false; // still handshaking
        }
        securityChecked = true;
        Optional<String> inadequate = H2Security.inadequacy(session);
        if (inadequate.isEmpty()) {
            return false;
        }
        getContext().getLog().info("closing the HTTP/2 connection from {}: {}", client.connection().remote(), inadequate.get());
        engine.closeConnection(ErrorCode.INADEQUATE_SECURITY.code(), inadequate.get(), 0);
        close();
        return true;
    }

    private void handle(Event event) {
        if (event instanceof Event.RequestReceived r) {
            Entry x = new Entry(r.streamId());
            x.head = r.headers();
            streams.put(x.id, x);
            touch(x);
            pc.metrics().request();
        } else if (event instanceof Event.DataReceived d) {
            onData(d);
        } else if (event instanceof Event.TrailersReceived t) {
            Entry x = streams.get(t.streamId());
            if (x != null && x.resetAfterDrain == NO_RESET) {
                x.batch.trailers = t.headers();
                touch(x);
            }
        } else if (event instanceof Event.StreamEnded s) {
            Entry x = streams.get(s.streamId());
            if (x != null && x.resetAfterDrain == NO_RESET) {
                x.batch.end = true;
                touch(x);
            }
        } else if (event instanceof Event.StreamReset s) {
            onEngineReset(s);
        } else if (event instanceof Event.PriorityUpdated p) {
            Entry x = p.fieldValue() == null ? null : streams.get(p.streamId());
            if (x != null) {
                x.priority = p.fieldValue();
                touch(x);
            }
        } else if (event instanceof Event.ConnectionTerminated t) {
            peerGoingAway |= t.remote();
        } else if (event instanceof Event.DataQueueBlocked b) {
            pc.metrics().flowControlStall(ProxyMetrics.CLIENT, b.connectionWindow());
        }
    }

    private void onData(Event.DataReceived d) {
        Entry x = streams.get(d.streamId());
        if (x == null || x.resetAfterDrain != NO_RESET) {
            engine.acknowledgeReceivedData(d.flowControlledLength(), d.streamId()); // nobody will consume it
            return;
        }
        int length = io.acknowledgePadding(d);
        if (length > 0) {
            x.batch.add(d.data());
            hold(x, length);
            touch(x);
        }
    }

    /** The client reset the stream, or the engine did because the client broke a rule (400/431 already sent). */
    private void onEngineReset(Event.StreamReset s) {
        pc.metrics().streamReset(ProxyMetrics.CLIENT, s.remoteReset(), s.errorCode());
        Entry x = streams.remove(s.streamId());
        if (x == null) {
            return;
        }
        watched.remove(x);
        release(x);
        if (x.stream != null) {
            x.stream.receive(new ClientReset(s.errorCode()));
        }
        x.head = null; // a request reset in the batch that opened it never gets a Stream
    }

    private void touch(Entry x) {
        if (!x.touched) {
            x.touched = true;
            touched.add(x);
        }
    }

    /** One message per stream per batch: the new Streams with what they have so far, the rest their new parts. */
    private void dispatch() {
        for (Entry x : touched) {
            x.touched = false;
            if (!streams.containsKey(x.id)) {
                continue;
            }
            RequestPart part = x.batch.takePart();
            if (x.head != null) {
                x.stream = Stream.start(pc, hosted, x.id, x.head, part, client);
                x.head = null;
            } else if (x.stream != null && !part.isEmpty()) {
                x.stream.receive(new RequestData(part));
            }
            if (x.priority != null && x.stream != null) {
                x.stream.receive(new PriorityChange(x.priority));
                x.priority = null;
            }
        }
        touched.clear();
    }

    // ---- from Streams -------------------------------------------------------------------------------------------

    /**
     * Handles what the Streams sent while this actor handled a message, then writes once: the Streams' calls never
     * re-enter the loops that called them (a Stream reached from {@link #pump} may end, say).
     */
    private Behavior<ToDownstream> settle(Behavior<ToDownstream> next) {
        if (!Behavior.isAlive(next)) {
            return next;
        }
        while (hosted.hasOutput()) {
            ToDownstream m;
            while ((m = hosted.poll()) != null) {
                if (m instanceof Respond r) {
                    onRespond(r);
                } else if (m instanceof RequestConsumed c) {
                    onConsumed(c);
                } else if (m instanceof ResetClientStream r) {
                    onResetRequested(r);
                } else if (m instanceof StreamEnded g) {
                    onStreamGone(g);
                }
            }
            pump();
        }
        hosted.flush();
        return next;
    }

    private void onRespond(Respond r) {
        Entry x = streams.get(r.streamId());
        if (x == null || x.resetAfterDrain != NO_RESET) {
            return; // the client reset the stream meanwhile
        }
        ResponsePart part = r.part();
        int id = x.id;
        try {
            for (List<Header> info : part.informational()) {
                io.makeRoom();
                engine.sendHeaders(id, info, false);
            }
            boolean bodyFollows = part.bytes() > 0 || part.trailers() != null;
            if (part.head() != null) {
                io.makeRoom();
                engine.sendHeaders(id, part.head(), part.end() && !bodyFollows);
            }
            for (ByteBuffer b : part.data()) {
                engine.queueData(id, b, false);
            }
            if (part.bytes() > 0) {
                x.queuedResponse += part.bytes();
                watched.add(x);
            }
            if (part.trailers() != null) {
                io.makeRoom();
                engine.sendHeaders(id, part.trailers(), true);
            } else if (part.end() && (part.head() == null || bodyFollows)) {
                io.makeRoom();
                engine.endStream(id);
            }
        } catch (H2Error err) {
            // The engine refused what the backend sent (a field HTTP/2 does not allow, say): nothing sensible can
            // follow on this stream.
            getContext().getLog().debug("stream {}: response refused by the engine: {}", id, err.toString());
            if (x.stream != null) {
                x.stream.receive(new ClientReset(ErrorCode.INTERNAL_ERROR.code()));
            }
            x.resetAfterDrain = ErrorCode.INTERNAL_ERROR.code();
            watched.add(x);
        }
    }

    private void onConsumed(RequestConsumed c) {
        Entry x = streams.get(c.streamId());
        if (x != null && x.unacked > 0) {
            int n = (int) Math.min(c.bytes(), x.unacked);
            unhold(x, n);
            engine.acknowledgeReceivedData(n, x.id);
        }
    }

    private void onResetRequested(ResetClientStream r) {
        Entry x = streams.get(r.streamId());
        if (x != null && x.resetAfterDrain == NO_RESET) {
            x.resetAfterDrain = r.errorCode();
            watched.add(x);
        }
    }

    private void onStreamGone(StreamEnded g) {
        Entry x = streams.get(g.streamId());
        if (x != null) {
            x.stream = null;
            if (x.resetAfterDrain == NO_RESET) {
                x.resetAfterDrain = RESET_BY_STATE;
            }
            watched.add(x);
        }
    }

    // ---- output, credit and the connection's life ----------------------------------------------------------------

    /** Writes, reports response bytes sent, performs resets whose queues drained, and decides on closing. */
    private void pump() {
        io.flush();
        boolean resetSome = false;
        for (Iterator<Entry> it = watched.iterator(); it.hasNext(); ) {
            Entry x = it.next();
            long queued = engine.queuedData(x.id);
            if (x.queuedResponse > queued) {
                long sent = x.queuedResponse - queued;
                x.queuedResponse = queued;
                if (x.stream != null) {
                    x.stream.receive(new ResponseCredit((int) sent));
                }
            }
            if (x.resetAfterDrain != NO_RESET && queued == 0) {
                it.remove();
                finish(x);
                resetSome = true;
            } else if (x.queuedResponse == 0 && x.resetAfterDrain == NO_RESET) {
                it.remove();
            }
        }
        for (Event e : engine.pendingEvents()) {
            if (e instanceof Event.StreamReset s) {
                onEngineReset(s); // streams our GOAWAY left unprocessed
            } else if (e instanceof Event.DataQueueBlocked b) {
                pc.metrics().flowControlStall(ProxyMetrics.CLIENT, b.connectionWindow());
            }
        }
        if (resetSome) {
            io.flush();
        }
        if (!io.closing() && (engine.isTerminated() || (peerGoingAway || draining) && streams.isEmpty())) {
            close();
        }
        updateIdleTimer();
    }

    /** The exchange is over on our side: reset the client stream if it is still open, forget it. */
    private void finish(Entry x) {
        streams.remove(x.id);
        release(x);
        StreamState state = engine.streamState(x.id);
        if (state == StreamState.CLOSED || engine.isTerminated()) {
            return;
        }
        int code = x.resetAfterDrain >= 0 ? x.resetAfterDrain
                : state == StreamState.HALF_CLOSED_LOCAL ? ErrorCode.NO_ERROR.code() : ErrorCode.INTERNAL_ERROR.code();
        try {
            io.makeRoom();
            engine.resetStream(x.id, code);
            pc.metrics().streamReset(ProxyMetrics.CLIENT, false, code);
        } catch (H2Error err) {
            getContext().getLog().debug("stream {}: reset refused: {}", x.id, err.toString());
        }
    }

    private void close() {
        io.close();
        timers.startSingleTimer(Timer.ABORT, Timer.ABORT, pc.timeouts().abort());
    }

    private void updateIdleTimer() {
        Duration idle = pc.timeouts().idle();
        if (idle.isZero() || io.closing()) {
            return;
        }
        boolean idleNow = streams.isEmpty();
        if (idleNow) {
            engine.releaseIdleBuffers(); // a burst's output buffer is not kept while the connection idles
        }
        boolean active = timers.isTimerActive(Timer.IDLE);
        if (idleNow && !active) {
            timers.startSingleTimer(Timer.IDLE, Timer.IDLE, idle);
        } else if (!idleNow && active) {
            timers.cancel(Timer.IDLE);
        }
    }

    private Behavior<ToDownstream> onIdle() {
        if (streams.isEmpty() && !io.closing()) {
            pc.metrics().timeout(ProxyMetrics.CLIENT, "idle");
            goAway();
            close();
        }
        return this;
    }

    private Behavior<ToDownstream> onDrain(Drain d) {
        draining = true;
        goAway();
        if (d.deadline().isZero()) {
            io.socket().abort();
            return Behaviors.stopped();
        }
        timers.startSingleTimer(Timer.DRAIN_DEADLINE, Timer.DRAIN_DEADLINE, d.deadline());
        pump();
        return this;
    }

    /** GOAWAY(NO_ERROR) naming the last stream we took (RFC 9113 §6.8): the client retries later ones elsewhere. */
    private void goAway() {
        if (!engine.isTerminated() && !engine.goAwaySent()) {
            io.makeRoom();
            engine.closeConnection();
        }
    }

    // ---- the gauge ---------------------------------------------------------------------------------------------

    private void hold(Entry x, int n) {
        x.unacked = held.hold(x.unacked, n);
    }

    private void unhold(Entry x, int n) {
        x.unacked = held.unhold(x.unacked, n);
    }

    /** Credits the client for everything the entry still held: nobody will consume it now. */
    private void release(Entry x) {
        if (x.unacked > 0) {
            int n = (int) x.unacked;
            unhold(x, n);
            engine.acknowledgeReceivedData(n, x.id);
        }
    }
}
