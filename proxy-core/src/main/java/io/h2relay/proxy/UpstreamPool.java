package io.h2relay.proxy;

import io.h2relay.config.ClusterConfig;
import io.h2relay.config.Endpoint;
import io.h2relay.proxy.Exchange.Acquire;
import io.h2relay.proxy.Exchange.AcquireAll;
import io.h2relay.proxy.Exchange.Open;
import io.h2relay.proxy.Exchange.ToPool;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.Unavailable;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * The connections to one cluster's endpoints. Each request goes to the next endpoint in turn (round-robin), on a
 * connection of that endpoint with a free stream: the smaller of {@code max-concurrent-streams} and the backend's
 * SETTINGS_MAX_CONCURRENT_STREAMS. When every connection is full a new one is opened, up to
 * {@code max-connections-per-endpoint}; beyond that requests wait in a queue of {@code max-pending-requests}, and
 * the next one is answered 503.
 *
 * <p>Stream accounting cannot race: the pool counts the requests it sent to a connection, the connection reports the
 * running total it finished (or sent back), and the difference is its load.
 *
 * <p>An endpoint whose connection attempt failed is skipped for a back-off (doubling from
 * {@link #FIRST_BACKOFF} to {@link #MAX_BACKOFF}); when every endpoint is in back-off the cluster has no healthy
 * endpoint and requests are answered at once.
 */
final class UpstreamPool extends AbstractBehavior<ToPool> {

    sealed interface Internal extends ToPool permits Ready, Completed, ConnectFailed, Draining, ConnectionGone, Stop,
            Retire, RetireGraceOver {}

    /** The connection is up and knows the backend's SETTINGS: it can carry {@code capacity} streams. */
    record Ready(ActorRef<ToUpstream> connection, int capacity) implements Internal {}

    /** The connection has finished (or sent back) {@code total} of the requests it was given, in all. */
    record Completed(ActorRef<ToUpstream> connection, long total) implements Internal {}

    /** The connection could not be established. */
    record ConnectFailed(ActorRef<ToUpstream> connection) implements Internal {}

    /** The connection takes no more requests (the backend's GOAWAY, or it is closing idle). */
    record Draining(ActorRef<ToUpstream> connection) implements Internal {}

    record ConnectionGone(ActorRef<ToUpstream> connection) implements Internal {}

    enum Stop implements Internal { INSTANCE }

    /**
     * A reload replaced this cluster: serve what still comes, let every connection close once it has no stream, and
     * stop when none is left (not before {@link ProxyServer#RETIRE_GRACE}, as requests routed just before the reload
     * may still be on their way here).
     */
    enum Retire implements Internal { INSTANCE }

    enum RetireGraceOver implements Internal { INSTANCE }

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private static final class EndpointState {
        final Endpoint endpoint;
        final int index;
        final List<Conn> connections = new ArrayList<>();
        int failures;
        long unhealthyUntil;
        /**
         * Streams a new connection is assumed to carry until it says: what the endpoint's last connection reported
         * (so an https:// endpoint that answered with HTTP/1.1 once gets one request per new connection).
         */
        int initialCapacity;

        EndpointState(Endpoint endpoint, int index) {
            this.endpoint = endpoint;
            this.index = index;
        }

        boolean healthy(long now) {
            return failures == 0 || now - unhealthyUntil >= 0;
        }
    }

    private static final class Conn {
        final ActorRef<ToUpstream> ref;
        final EndpointState endpoint;
        long sent;
        long completed;
        int capacity;
        boolean accepting = true;

        Conn(ActorRef<ToUpstream> ref, EndpointState endpoint, int capacity) {
            this.ref = ref;
            this.endpoint = endpoint;
            this.capacity = capacity;
        }

        boolean hasRoom() {
            return accepting && sent - completed < capacity;
        }
    }

    private final ProxyContext pc;
    private final ClusterConfig cluster;
    private final EndpointState[] endpoints;
    private final EndpointHealth health;
    private final Map<ActorRef<ToUpstream>, Conn> connections = new HashMap<>();
    private final Mail<ToUpstream, ToUpstream> mail = new Mail<>(Exchange.UpstreamBatch::new);
    private final ArrayDeque<Acquire> pending = new ArrayDeque<>();
    private int next;
    private boolean retiring;
    private boolean stopWhenEmpty;
    private int reportedPending;

    private final TlsUpstreamConnect.Settings tls;

    static Behavior<ToPool> create(ProxyContext pc, ClusterConfig cluster) {
        return create(pc, cluster, TlsUpstreamConnect.Settings.of(cluster));
    }

    /** {@code tls}: for the cluster's h2:// and https:// endpoints; null when it has none. */
    static Behavior<ToPool> create(ProxyContext pc, ClusterConfig cluster, TlsUpstreamConnect.Settings tls) {
        return Behaviors.setup(ctx -> new UpstreamPool(ctx, pc, cluster, tls));
    }

    private UpstreamPool(ActorContext<ToPool> ctx, ProxyContext pc, ClusterConfig cluster,
            TlsUpstreamConnect.Settings tls) {
        super(ctx);
        this.pc = pc;
        this.cluster = cluster;
        this.tls = tls;
        this.endpoints = new EndpointState[cluster.endpoints().size()];
        for (int i = 0; i < endpoints.length; i++) {
            endpoints[i] = new EndpointState(cluster.endpoints().get(i), i);
            endpoints[i].initialCapacity = endpoints[i].endpoint.scheme() == Endpoint.Scheme.HTTP
                    ? 1 : cluster.maxConcurrentStreams();
        }
        this.health = new EndpointHealth(endpoints.length);
        pc.metrics().cluster(cluster.name(), health);
        pc.metrics().pending(cluster.name(), 0); // the gauge exists from the start
    }

    /** Every message's connection mail goes out once it is handled ({@link Mail}). */
    @Override
    public Receive<ToPool> createReceive() {
        Receive<ToPool> handlers = handlers();
        return newReceiveBuilder()
                .onMessage(ToPool.class, m -> {
                    try {
                        return handlers.receiveMessage(m);
                    } finally {
                        mail.flush();
                    }
                })
                .onSignal(org.apache.pekko.actor.typed.Signal.class, s -> {
                    try {
                        return handlers.receiveSignal(s);
                    } finally {
                        mail.flush();
                    }
                })
                .build();
    }

    private Receive<ToPool> handlers() {
        return newReceiveBuilder()
                .onMessage(Acquire.class, this::onAcquire)
                .onMessage(AcquireAll.class, b -> {
                    for (Acquire a : b.all()) {
                        onAcquire(a);
                    }
                    return this;
                })
                .onMessage(Ready.class, r -> {
                    Conn c = connections.get(r.connection());
                    if (c != null) {
                        c.capacity = r.capacity();
                        c.endpoint.failures = 0;
                        c.endpoint.initialCapacity = r.capacity();
                        health.healthy(c.endpoint.index);
                    }
                    return drainPending();
                })
                .onMessage(Completed.class, m -> {
                    Conn c = connections.get(m.connection());
                    if (c != null) {
                        c.completed = m.total();
                    }
                    return drainPending();
                })
                .onMessage(Draining.class, d -> {
                    Conn c = connections.get(d.connection());
                    if (c != null) {
                        c.accepting = false;
                    }
                    return drainPending();
                })
                .onMessage(ConnectFailed.class, this::onConnectFailed)
                .onMessage(ConnectionGone.class, g -> {
                    Conn c = connections.remove(g.connection());
                    if (c != null) {
                        c.endpoint.connections.remove(c);
                    }
                    drainPending();
                    return stopIfRetired();
                })
                .onMessageEquals(Stop.INSTANCE, Behaviors::stopped)
                .onMessageEquals(Retire.INSTANCE, () -> {
                    retiring = true;
                    for (Conn c : connections.values()) {
                        mail.tell(c.ref, UpstreamConnection.Retire.INSTANCE);
                    }
                    getContext().scheduleOnce(ProxyServer.RETIRE_GRACE, getContext().getSelf(),
                            RetireGraceOver.INSTANCE);
                    return this;
                })
                .onMessageEquals(RetireGraceOver.INSTANCE, () -> {
                    stopWhenEmpty = true;
                    return stopIfRetired();
                })
                .build();
    }

    private Behavior<ToPool> onAcquire(Acquire a) {
        if (dispatch(a)) {
            return this;
        }
        if (!anyHealthy(System.nanoTime())) {
            a.stream().tell(new Unavailable(true));
        } else if (pending.size() < cluster.maxPendingRequests()) {
            pending.add(a);
            reportPending();
        } else {
            a.stream().tell(new Unavailable(false));
        }
        return this;
    }

    /** Round-robin over the healthy endpoints, starting with the next in turn; false when all are full. */
    private boolean dispatch(Acquire a) {
        long now = System.nanoTime();
        int n = endpoints.length;
        for (int k = 0; k < n; k++) {
            int i = (next + k) % n;
            EndpointState e = endpoints[i];
            if (!e.healthy(now)) {
                continue;
            }
            Conn conn = null;
            for (Conn c : e.connections) {
                if (c.hasRoom()) {
                    conn = c;
                    break;
                }
            }
            if (conn == null && e.connections.size() < cluster.maxConnectionsPerEndpoint()) {
                conn = open(e);
            }
            if (conn != null) {
                next = (i + 1) % n;
                conn.sent++;
                mail.tell(conn.ref, new Open(a.stream(), a.head(), a.first()));
                if (retiring) {
                    mail.tell(conn.ref, UpstreamConnection.Retire.INSTANCE); // after the Open: it closes once done
                }
                return true;
            }
        }
        return false;
    }

    private Conn open(EndpointState e) {
        ActorRef<ToPool> self = getContext().getSelf();
        Behavior<ToUpstream> connection = switch (e.endpoint.scheme()) {
            case H2C -> UpstreamConnection.create(pc, self, e.endpoint, cluster);
            case HTTP -> Http1UpstreamConnection.create(pc, self, e.endpoint, cluster);
            case H2, HTTPS -> TlsUpstreamConnect.create(pc, self, e.endpoint, cluster, tls);
        };
        ActorRef<ToUpstream> ref = getContext().spawnAnonymous(connection);
        getContext().watchWith(ref, new ConnectionGone(ref));
        Conn c = new Conn(ref, e, e.initialCapacity);
        e.connections.add(c);
        connections.put(ref, c);
        return c;
    }

    private Behavior<ToPool> onConnectFailed(ConnectFailed f) {
        mail.tell(f.connection(), Unreachable.Forgotten.INSTANCE); // after every Open we sent it: it may stop now
        Conn c = connections.remove(f.connection());
        if (c == null) {
            return this;
        }
        EndpointState e = c.endpoint;
        e.connections.remove(c);
        e.failures++;
        long backoff = Math.min(MAX_BACKOFF.toNanos(), FIRST_BACKOFF.toNanos() << Math.min(e.failures - 1, 16));
        e.unhealthyUntil = System.nanoTime() + backoff;
        health.backOff(e.index, e.unhealthyUntil);
        if (!anyHealthy(System.nanoTime())) {
            while (!pending.isEmpty()) {
                pending.poll().stream().tell(new Unavailable(true));
            }
        }
        return drainPending();
    }

    private Behavior<ToPool> drainPending() {
        while (!pending.isEmpty() && (pending.peek().stream().gone() || dispatch(pending.peek()))) {
            pending.poll(); // dispatched, or its client left while it waited
        }
        reportPending();
        return this;
    }

    private Behavior<ToPool> stopIfRetired() {
        return stopWhenEmpty && connections.isEmpty() && pending.isEmpty() ? Behaviors.stopped() : this;
    }

    /** The queue depth gauge, when it changed. */
    private void reportPending() {
        if (pending.size() != reportedPending) {
            reportedPending = pending.size();
            pc.metrics().pending(cluster.name(), reportedPending);
        }
    }

    private boolean anyHealthy(long now) {
        for (EndpointState e : endpoints) {
            if (e.healthy(now)) {
                return true;
            }
        }
        return false;
    }
}
