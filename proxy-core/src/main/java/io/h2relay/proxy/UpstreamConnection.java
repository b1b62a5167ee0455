package io.h2relay.proxy;

import io.h2relay.config.ClusterConfig;
import io.h2relay.config.Endpoint;
import io.h2relay.engine.Event;
import io.h2relay.engine.H2Connection;
import io.h2relay.engine.H2Error;
import io.h2relay.engine.NoAvailableStreamIdError;
import io.h2relay.engine.StreamState;
import io.h2relay.hpack.Header;
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
import io.h2relay.proxy.Exchange.ResponsePart;
import io.h2relay.proxy.Exchange.Send;
import io.h2relay.proxy.Exchange.ToPool;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.UpstreamBatch;
import io.h2relay.proxy.Exchange.UpstreamFailed;
import io.h2relay.proxy.Exchange.UpstreamReset;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.Signal;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One HTTP/2 connection to a backend (h2c, prior knowledge): owns the client-side engine and carries the streams the
 * pool gives it. Requests wait until the backend's SETTINGS arrived (so its MAX_CONCURRENT_STREAMS is known) and while
 * the connection is at that limit.
 *
 * <p>Credit mirrors {@link DownstreamConnection}: response bytes are acknowledged to the backend only when the Stream
 * reports them sent to the client; request bytes are reported to the Stream once cut into frames for a socket write.
 *
 * <p>A GOAWAY from the backend stops new streams here; the streams it names unprocessed (and the requests still
 * waiting) go back to their Streams, which retry them elsewhere.
 */
final class UpstreamConnection extends AbstractBehavior<ToUpstream> {

    sealed interface Internal extends ToUpstream permits Net, Timer, Retire {}

    record Net(SocketEvent event) implements Internal {}

    enum Timer implements Internal { IDLE, ABORT }

    /** The pool was replaced by a reload: carry on with what comes, close as soon as no stream is left. */
    enum Retire implements Internal { INSTANCE }

    /** Closing a connection whose backend does not finish the close in time resets it. */
    private static final Duration ABORT_AFTER = Duration.ofSeconds(10);

    private static final class Entry {
        final int id;
        final StreamRef stream;
        final ResponseBatch response = new ResponseBatch();
        boolean touched;
        boolean responseEnded;
        /** Response bytes received and not yet credited to the backend. */
        long unacked;
        /** Request bytes queued in the engine and not yet reported sent. */
        long queuedRequest;

        Entry(int id, StreamRef stream) {
            this.id = id;
            this.stream = stream;
        }

        ResponsePart takePart() {
            ResponsePart part = response.takePart();
            responseEnded |= part.end();
            return part;
        }
    }

    private final ProxyContext pc;
    private final ActorRef<ToPool> pool;
    private final ClusterConfig cluster;
    private final String endpoint;
    private final TimerScheduler<ToUpstream> timers;
    private final H2Connection engine;
    private final EngineSocket io;
    private final Map<Integer, Entry> streams = new HashMap<>();
    private final ArrayDeque<Open> waiting = new ArrayDeque<>();
    private final List<Entry> touched = new ArrayList<>();
    /** Entries with request bytes to report, or whose response ended (removed once the engine closes them). */
    private final Set<Entry> watched = new LinkedHashSet<>();
    private int capacity;
    private boolean ready;
    private boolean draining;
    private boolean retiring;
    private long completed;
    private long reportedCompleted;
    private final HeldBytes held;
    private final StreamMail mail = new StreamMail();

    static Behavior<ToUpstream> create(ProxyContext pc, ActorRef<ToPool> pool, Endpoint endpoint,
            ClusterConfig cluster) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(t -> new UpstreamConnection(ctx, t, pc, pool, endpoint, cluster,
                pc.transport().connect(ctx, new InetSocketAddress(endpoint.host(), endpoint.port()),
                        cluster.connectTimeout(), Net::new))));
    }

    /**
     * Takes over a socket whose TLS handshake chose h2 ({@link TlsUpstreamConnect}); its events arrive as {@link Net}.
     * Hand it the {@code Connected} event through {@link #onSocketEvent}.
     */
    static UpstreamConnection over(ActorContext<ToUpstream> ctx, TimerScheduler<ToUpstream> timers, ProxyContext pc,
            ActorRef<ToPool> pool, Endpoint endpoint, ClusterConfig cluster, Socket socket) {
        return new UpstreamConnection(ctx, timers, pc, pool, endpoint, cluster, socket);
    }

    private UpstreamConnection(ActorContext<ToUpstream> ctx, TimerScheduler<ToUpstream> timers, ProxyContext pc,
            ActorRef<ToPool> pool, Endpoint endpoint, ClusterConfig cluster, Socket socket) {
        super(ctx);
        this.pc = pc;
        this.held = new HeldBytes(pc.metrics());
        this.pool = pool;
        this.cluster = cluster;
        this.endpoint = endpoint.url();
        this.timers = timers;
        this.capacity = cluster.maxConcurrentStreams();
        this.engine = new H2Connection(pc.clientEngine());
        this.io = new EngineSocket(engine, socket);
        pc.metrics().upstreamOpened(cluster.name());
        EngineSettings.start(engine, pc.flow());
        io.flush(); // held by the socket until the connection is up
    }

    /** Every message's Stream mail goes out once it is handled ({@link StreamMail}). */
    @Override
    public Receive<ToUpstream> createReceive() {
        Receive<ToUpstream> handlers = handlers();
        return newReceiveBuilder()
                .onMessage(ToUpstream.class, m -> {
                    try {
                        if (m instanceof UpstreamBatch b) {
                            for (ToUpstream one : b.all()) {
                                Behavior<ToUpstream> next = handlers.receiveMessage(one);
                                if (next != this && next != Behaviors.<ToUpstream>same()) {
                                    return next; // none of the batched messages stops us; were it so, the rest is moot
                                }
                            }
                            return this;
                        }
                        return handlers.receiveMessage(m);
                    } finally {
                        mail.flush();
                    }
                })
                .onSignal(Signal.class, s -> {
                    try {
                        return handlers.receiveSignal(s);
                    } finally {
                        mail.flush();
                    }
                })
                .build();
    }

    private Receive<ToUpstream> handlers() {
        return newReceiveBuilder()
                .onMessage(Net.class, n -> io.inbound(n.event(), this::onNet, this))
                .onMessage(Open.class, this::onOpen)
                .onMessage(Send.class, s -> {
                    Entry x = streams.get(s.streamId());
                    if (x != null) {
                        sendPart(x, s.part());
                        pump();
                    }
                    return this;
                })
                .onMessage(ResponseConsumed.class, c -> {
                    Entry x = streams.get(c.streamId());
                    if (x != null && x.unacked > 0) {
                        int n = (int) Math.min(c.bytes(), x.unacked);
                        unhold(x, n);
                        engine.acknowledgeReceivedData(n, x.id);
                        if (done(x)) {
                            watched.remove(x);
                            retire(x);
                        }
                        pump();
                    }
                    return this;
                })
                .onMessage(Prioritize.class, p -> {
                    if (streams.containsKey(p.streamId()) && !engine.isTerminated()) {
                        try {
                            io.makeRoom();
                            engine.updatePriority(p.streamId(), p.fieldValue());
                        } catch (H2Error err) {
                            getContext().getLog().debug("priority update refused: {}", err.toString());
                        }
                        pump();
                    }
                    return this;
                })
                .onMessage(Cancel.class, c -> {
                    Entry x = streams.get(c.streamId());
                    if (x != null) {
                        forget(x);
                        reset(x.id, c.errorCode());
                        pump();
                    }
                    return this;
                })
                .onMessageEquals(Timer.IDLE, this::onIdle)
                .onMessageEquals(Retire.INSTANCE, () -> {
                    retiring = true;
                    pump();
                    return this;
                })
                .onMessageEquals(Timer.ABORT, () -> {
                    pc.metrics().timeout(ProxyMetrics.BACKEND, "abort");
                    io.socket().abort();
                    return this;
                })
                .onSignal(PostStop.class, s -> {
                    held.clear();
                    pc.metrics().upstreamClosed(cluster.name());
                    pc.metrics().abuse(ProxyMetrics.BACKEND, engine.abuseCounters());
                    return this;
                })
                .build();
    }

    // ---- requests ------------------------------------------------------------------------------------------------

    private Behavior<ToUpstream> onOpen(Open o) {
        if (draining || engine.goAwayReceived() || engine.isTerminated()) {
            bounce(o, Failure.NOT_PROCESSED);
        } else {
            waiting.add(o);
        }
        pump();
        return this;
    }

    private void bounce(Open o, Failure failure) {
        mail.tell(o.stream(), new UpstreamFailed(failure));
        completed++;
    }

    /**
     * Opens waiting requests while the backend allows more concurrent streams; a request whose client left meanwhile
     * is dropped unsent.
     */
    private void openWaiting() {
        while (ready && !draining && !waiting.isEmpty() && engine.openOutboundStreams() < capacity) {
            Open o = waiting.poll();
            if (o.stream().gone()) {
                completed++;
            } else {
                open(o);
            }
        }
    }

    private void open(Open o) {
        if (!engine.remoteSettings().enableConnectProtocol() && hasProtocol(o.head())) {
            // RFC 8441 §3: extended CONNECT only to a server that sent SETTINGS_ENABLE_CONNECT_PROTOCOL = 1.
            bounce(o, Failure.NO_EXTENDED_CONNECT);
            return;
        }
        RequestPart first = o.first();
        boolean endWithHead = first.end() && first.bytes() == 0 && first.trailers() == null;
        int id;
        try {
            id = engine.nextAvailableStreamId();
            io.makeRoom();
            engine.sendHeaders(id, o.head(), endWithHead);
        } catch (NoAvailableStreamIdError err) {
            draining = true; // identifiers exhausted (RFC 9113 §5.1.1): a new connection takes over
            pool.tell(new UpstreamPool.Draining(getContext().getSelf()));
            bounce(o, Failure.NOT_PROCESSED);
            return;
        } catch (H2Error err) {
            getContext().getLog().debug("request head refused by the engine: {}", err.toString());
            bounce(o, Failure.REJECTED);
            return;
        }
        Entry x = new Entry(id, o.stream());
        streams.put(id, x);
        mail.tell(o.stream(), new Attached(getContext().getSelf(), id, "2", endpoint));
        if (!endWithHead) {
            sendPart(x, first);
        }
    }

    private static boolean hasProtocol(List<Header> head) {
        for (Header h : head) {
            if (h.name().equals(":protocol")) {
                return true;
            }
        }
        return false;
    }

    private void sendPart(Entry x, RequestPart part) {
        try {
            for (ByteBuffer b : part.data()) {
                engine.queueData(x.id, b, false);
            }
            if (part.bytes() > 0) {
                x.queuedRequest += part.bytes();
                watched.add(x);
            }
            if (part.trailers() != null) {
                io.makeRoom();
                engine.sendHeaders(x.id, part.trailers(), true);
            } else if (part.end()) {
                io.makeRoom();
                engine.endStream(x.id);
            }
        } catch (H2Error err) {
            // The backend closed or reset the stream meanwhile; its event tells the Stream.
            getContext().getLog().debug("stream {}: request part refused: {}", x.id, err.toString());
        }
    }

    // ---- socket and engine events ---------------------------------------------------------------------------------

    /** One event that already passed the socket's layers (for the actor this behaviour took over from). */
    Behavior<ToUpstream> onSocketEvent(SocketEvent e) {
        try {
            return onNet(e);
        } finally {
            mail.flush();
        }
    }

    private Behavior<ToUpstream> onNet(SocketEvent e) {
        if (e instanceof SocketEvent.Received r) {
            for (Event event : io.receive(r.bytes())) {
                handle(event);
            }
            dispatch();
            pump();
            io.resumeReading();
            return this;
        }
        if (e instanceof SocketEvent.Writable || e instanceof SocketEvent.Connected) {
            io.writable();
            pump();
            return this;
        }
        if (e instanceof SocketEvent.ConnectFailed f) {
            getContext().getLog().debug("connect to {} failed: {}", io.socket().remoteAddress(), f.cause().toString());
            pc.metrics().connectFailed(cluster.name());
            pool.tell(new UpstreamPool.ConnectFailed(getContext().getSelf()));
            while (!waiting.isEmpty()) {
                bounce(waiting.poll(), Failure.CONNECT_FAILED);
            }
            pc.metrics().upstreamClosed(cluster.name()); // PostStop will not run here: the behaviour changes first
            return Unreachable.behavior();
        }
        if (e instanceof SocketEvent.PeerClosed) {
            io.close();
            return this;
        }
        if (e instanceof SocketEvent.Closed || e instanceof SocketEvent.Failed) {
            lostEverything();
            return Behaviors.stopped();
        }
        return this;
    }

    /** The connection is gone: exchanges under way are lost, waiting ones were never sent. */
    private void lostEverything() {
        dispatch();
        for (Entry x : new ArrayList<>(streams.values())) {
            forget(x);
            if (!x.responseEnded) {
                mail.tell(x.stream, new UpstreamFailed(Failure.LOST));
            }
        }
        while (!waiting.isEmpty()) {
            bounce(waiting.poll(), Failure.NOT_PROCESSED);
        }
        reportCompleted();
    }

    private void handle(Event event) {
        if (event instanceof Event.ResponseReceived r) {
            Entry x = streams.get(r.streamId());
            if (x != null) {
                x.response.head = r.headers();
                touch(x);
            }
        } else if (event instanceof Event.DataReceived d) {
            onData(d);
        } else if (event instanceof Event.InformationalResponseReceived i) {
            Entry x = streams.get(i.streamId());
            if (x != null) {
                x.response.addInformational(i.headers());
                touch(x);
            }
        } else if (event instanceof Event.TrailersReceived t) {
            Entry x = streams.get(t.streamId());
            if (x != null) {
                x.response.trailers = t.headers();
                touch(x);
            }
        } else if (event instanceof Event.StreamEnded s) {
            Entry x = streams.get(s.streamId());
            if (x != null) {
                x.response.end = true;
                touch(x);
            }
        } else if (event instanceof Event.StreamReset s) {
            onEngineReset(s);
        } else if (event instanceof Event.RemoteSettingsChanged) {
            long remoteMax = engine.remoteSettings().maxConcurrentStreams();
            int newCapacity = (int) Math.min(cluster.maxConcurrentStreams(), remoteMax);
            if (!ready || newCapacity != capacity) {
                ready = true;
                capacity = newCapacity;
                pool.tell(new UpstreamPool.Ready(getContext().getSelf(), capacity));
            }
        } else if (event instanceof Event.ConnectionTerminated t) {
            if (!draining) {
                draining = true;
                pool.tell(new UpstreamPool.Draining(getContext().getSelf()));
            }
            while (!waiting.isEmpty()) {
                bounce(waiting.poll(), Failure.NOT_PROCESSED);
            }
        } else if (event instanceof Event.DataQueueBlocked b) {
            pc.metrics().flowControlStall(ProxyMetrics.BACKEND, b.connectionWindow());
        }
    }

    private void onData(Event.DataReceived d) {
        Entry x = streams.get(d.streamId());
        if (x == null) {
            engine.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
            return;
        }
        int length = io.acknowledgePadding(d);
        if (length > 0) {
            x.response.add(d.data());
            hold(x, length);
            touch(x);
        }
    }

    /** The backend reset the stream (or GOAWAY left it unprocessed), or we did because the backend broke a rule. */
    private void onEngineReset(Event.StreamReset s) {
        pc.metrics().streamReset(ProxyMetrics.BACKEND, s.remoteReset(), s.errorCode());
        Entry x = streams.get(s.streamId());
        if (x == null) {
            return;
        }
        if (x.touched) {
            x.touched = false;
            mail.tell(x.stream, new ResponseData(x.takePart())); // what came before the reset, first
        }
        forget(x);
        mail.tell(x.stream, new UpstreamReset(s.errorCode(), s.remoteReset() && s.refused(), s.remoteReset()));
    }

    private void touch(Entry x) {
        if (!x.touched) {
            x.touched = true;
            touched.add(x);
        }
    }

    /** One message per stream per batch. */
    private void dispatch() {
        for (Entry x : touched) {
            if (x.touched) {
                x.touched = false;
                mail.tell(x.stream, new ResponseData(x.takePart()));
                if (x.responseEnded) {
                    watched.add(x);
                }
            }
        }
        touched.clear();
    }

    // ---- output, credit, life -----------------------------------------------------------------------------------

    private void pump() {
        openWaiting();
        io.flush();
        for (Iterator<Entry> it = watched.iterator(); it.hasNext(); ) {
            Entry x = it.next();
            long queued = engine.queuedData(x.id);
            if (x.queuedRequest > queued) {
                mail.tell(x.stream, new RequestCredit((int) (x.queuedRequest - queued)));
                x.queuedRequest = queued;
            }
            if (done(x)) {
                it.remove();
                retire(x);
            } else if (x.queuedRequest == 0 && !x.responseEnded) {
                it.remove();
            }
        }
        for (Event e : engine.pendingEvents()) {
            if (e instanceof Event.StreamReset s) {
                onEngineReset(s);
            } else if (e instanceof Event.DataQueueBlocked b) {
                pc.metrics().flowControlStall(ProxyMetrics.BACKEND, b.connectionWindow());
            }
        }
        reportCompleted();
        if (!io.closing() && (engine.isTerminated() || draining && streams.isEmpty() && waiting.isEmpty())) {
            close();
        } else if (retiring && !draining && streams.isEmpty() && waiting.isEmpty()) {
            closeIdle();
            return;
        }
        updateIdleTimer();
    }

    /** Both directions are over in the engine and no byte of the stream is held or owed: it can be forgotten. */
    private boolean done(Entry x) {
        return x.responseEnded && x.queuedRequest == 0 && x.unacked == 0
                && engine.streamState(x.id) == StreamState.CLOSED;
    }

    private void retire(Entry x) {
        streams.remove(x.id);
        completed++;
    }

    private void reportCompleted() {
        if (completed != reportedCompleted) {
            reportedCompleted = completed;
            pool.tell(new UpstreamPool.Completed(getContext().getSelf(), completed));
        }
    }

    /** Drops the entry and credits the backend for whatever it still held. */
    private void forget(Entry x) {
        if (streams.remove(x.id) == null) {
            return;
        }
        watched.remove(x);
        if (x.unacked > 0) {
            int n = (int) x.unacked;
            unhold(x, n);
            engine.acknowledgeReceivedData(n, x.id);
        }
        completed++;
    }

    private void reset(int id, int code) {
        if (engine.isTerminated() || engine.streamState(id) == StreamState.CLOSED) {
            return;
        }
        try {
            io.makeRoom();
            engine.resetStream(id, code);
            pc.metrics().streamReset(ProxyMetrics.BACKEND, false, code);
        } catch (H2Error err) {
            getContext().getLog().debug("stream {}: reset refused: {}", id, err.toString());
        }
    }

    private void close() {
        if (!engine.isTerminated() && !engine.goAwaySent()) {
            io.makeRoom();
            engine.closeConnection();
        }
        io.close();
        timers.startSingleTimer(Timer.ABORT, Timer.ABORT, ABORT_AFTER);
    }

    private void updateIdleTimer() {
        Duration idle = cluster.idleTimeout();
        if (idle.isZero() || io.closing()) {
            return;
        }
        boolean idleNow = streams.isEmpty() && waiting.isEmpty();
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

    private Behavior<ToUpstream> onIdle() {
        if (streams.isEmpty() && waiting.isEmpty() && !draining) {
            pc.metrics().timeout(ProxyMetrics.BACKEND, "idle");
            closeIdle();
        }
        return this;
    }

    private void closeIdle() {
        draining = true;
        pool.tell(new UpstreamPool.Draining(getContext().getSelf()));
        // Requests the pool sent before it saw Draining come back NOT_PROCESSED, and are retried.
        close();
    }

    private void hold(Entry x, int n) {
        x.unacked = held.hold(x.unacked, n);
    }

    private void unhold(Entry x, int n) {
        x.unacked = held.unhold(x.unacked, n);
    }
}
