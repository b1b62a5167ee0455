package io.h2relay.proxy;

import io.h2relay.config.ClusterConfig;
import io.h2relay.config.Endpoint;
import io.h2relay.config.UpstreamTlsConfig;
import io.h2relay.io.Socket;
import io.h2relay.io.SocketEvent;
import io.h2relay.io.TlsSocket;
import io.h2relay.proxy.Exchange.Failure;
import io.h2relay.proxy.Exchange.Open;
import io.h2relay.proxy.Exchange.ToPool;
import io.h2relay.proxy.Exchange.ToUpstream;
import io.h2relay.proxy.Exchange.UpstreamFailed;
import io.h2relay.proxy.UpstreamConnection.Net;
import io.h2relay.tls.ClientTls;
import io.h2relay.tls.KeyMaterial;
import io.h2relay.tls.ServerTls;
import io.h2relay.tls.TlsException;
import io.h2relay.tls.TlsSession;
import java.net.InetSocketAddress;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The first moments of a connection to an {@code h2://} or {@code https://} endpoint: TCP, then the TLS handshake with
 * ALPN. The protocol the backend selected decides what the actor becomes: {@link UpstreamConnection} for "h2",
 * {@link Http1UpstreamConnection} for "http/1.1" (or no ALPN answer) on {@code https://}. Requests the pool sends
 * meanwhile are stashed and handed over.
 *
 * <p>Whatever keeps the connection from coming up — refused, the connect timeout, a certificate that fails
 * verification, a handshake that does not finish within the connect timeout, an {@code h2://} backend that did not
 * select h2 — counts as a connect failure: the pool backs off the endpoint and the Stream answers 502 (or tries
 * another endpoint).
 */
final class TlsUpstreamConnect extends AbstractBehavior<ToUpstream> {

    sealed interface Internal extends ToUpstream permits HandshakeTimeout {}

    enum HandshakeTimeout implements Internal { INSTANCE }

    /**
     * The client TLS of one cluster, made once at start so that a bad CA file or key fails the start.
     *
     * @param h2Only for {@code h2://}: ALPN offers h2 alone
     * @param h2OrHttp1 for {@code https://}: ALPN offers h2, then http/1.1
     */
    record Settings(ClientTls h2Only, ClientTls h2OrHttp1, UpstreamTlsConfig config) {

        /** Null when the cluster has no TLS endpoint. */
        static Settings of(ClusterConfig cluster) {
            if (cluster.endpoints().stream().noneMatch(e -> e.scheme().tls())) {
                return null;
            }
            UpstreamTlsConfig c = cluster.tls();
            ClientTls.Settings base = ClientTls.Settings.defaults();
            if (c.insecure()) {
                base = base.withTrust(new ClientTls.Trust.Insecure());
            } else if (c.caFile() != null) {
                base = base.withTrust(new ClientTls.Trust.CaBundle(c.caFile()));
            }
            if (c.certificateFile() != null) {
                base = base.withClientCertificate(KeyMaterial.fromPem(c.certificateFile(), c.keyFile(), null));
            }
            return new Settings(ClientTls.create(base.withApplicationProtocols(ServerTls.H2)),
                    ClientTls.create(base.withApplicationProtocols(ServerTls.H2, ServerTls.HTTP_1_1)), c);
        }

        ClientTls forScheme(Endpoint.Scheme scheme) {
            return scheme == Endpoint.Scheme.H2 ? h2Only : h2OrHttp1;
        }
    }

    private final ProxyContext pc;
    private final ActorRef<ToPool> pool;
    private final Endpoint endpoint;
    private final ClusterConfig cluster;
    private final TimerScheduler<ToUpstream> timers;
    private final StashBuffer<ToUpstream> stash;
    private final Socket socket;

    static Behavior<ToUpstream> create(ProxyContext pc, ActorRef<ToPool> pool, Endpoint endpoint,
            ClusterConfig cluster, Settings tls) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> Behaviors.withStash(
                cluster.maxConcurrentStreams() + 64, stash -> {
                    TlsSession session;
                    try {
                        session = tls.forScheme(endpoint.scheme()).newSession(
                                tls.config().serverNameFor(endpoint), endpoint.port());
                    } catch (TlsException e) {
                        ctx.getLog().warn("TLS to {}: {}", endpoint, e.toString());
                        pc.metrics().connectFailed(cluster.name());
                        pool.tell(new UpstreamPool.ConnectFailed(ctx.getSelf()));
                        return Unreachable.behavior();
                    }
                    Socket raw = pc.transport().connect(ctx, new InetSocketAddress(endpoint.host(), endpoint.port()),
                            cluster.connectTimeout(), Net::new);
                    return new TlsUpstreamConnect(ctx, timers, stash, pc, pool, endpoint, cluster,
                            TlsSocket.client(raw, session));
                })));
    }

    private TlsUpstreamConnect(ActorContext<ToUpstream> ctx, TimerScheduler<ToUpstream> timers,
            StashBuffer<ToUpstream> stash, ProxyContext pc, ActorRef<ToPool> pool, Endpoint endpoint,
            ClusterConfig cluster, Socket socket) {
        super(ctx);
        this.pc = pc;
        this.pool = pool;
        this.endpoint = endpoint;
        this.cluster = cluster;
        this.timers = timers;
        this.stash = stash;
        this.socket = socket;
        // The transport's timeout covers TCP; the handshake gets as long again.
        timers.startSingleTimer(HandshakeTimeout.INSTANCE, HandshakeTimeout.INSTANCE,
                cluster.connectTimeout().multipliedBy(2));
    }

    @Override
    public Receive<ToUpstream> createReceive() {
        return newReceiveBuilder()
                .onMessage(Net.class, n -> onNet(n.event()))
                .onMessageEquals(HandshakeTimeout.INSTANCE, () -> {
                    getContext().getLog().warn("TLS handshake with {} did not finish in time", endpoint);
                    socket.abort();
                    return failed();
                })
                .onMessage(ToUpstream.class, m -> {
                    if (stash.isFull()) {
                        for (Open o : Exchange.opens(m)) {
                            o.stream().tell(new UpstreamFailed(Failure.NOT_PROCESSED));
                        }
                    } else {
                        stash.stash(m);
                    }
                    return this;
                })
                .build();
    }

    private Behavior<ToUpstream> onNet(SocketEvent event) {
        // Events after Connected in the same read (an h2 server's SETTINGS sent with its Finished) go to the successor.
        var state = new Object() {
            Behavior<ToUpstream> next = TlsUpstreamConnect.this;
            Function<SocketEvent, Behavior<ToUpstream>> successor;
            boolean failed;
        };
        socket.inbound(event, e -> {
            if (state.successor != null) {
                Behavior<ToUpstream> b = state.successor.apply(e);
                if (!Behavior.isAlive(b)) {
                    state.next = b;
                }
                return;
            }
            if (state.next != this) {
                return;
            }
            if (e instanceof SocketEvent.Connected) {
                timers.cancel(HandshakeTimeout.INSTANCE);
                String protocol = socket.applicationProtocol();
                if (protocol.equals(ServerTls.H2)) {
                    UpstreamConnection h2 = UpstreamConnection.over(getContext(), timers, pc, pool, endpoint, cluster, socket);
                    state.successor = h2::onSocketEvent;
                    state.next = h2;
                    h2.onSocketEvent(e);
                } else if (endpoint.scheme() == Endpoint.Scheme.HTTPS) {
                    Http1UpstreamConnection h1 = Http1UpstreamConnection.connected(getContext(), timers, pc, pool,
                            endpoint, cluster, socket);
                    state.successor = h1::onSocketEvent;
                    state.next = h1;
                } else {
                    getContext().getLog().warn("{} did not select h2 in ALPN (got '{}'): use https:// for HTTP/1.1",
                            endpoint, protocol);
                    socket.abort();
                    state.next = failed();
                    state.failed = true;
                }
            } else if (e instanceof SocketEvent.ConnectFailed f) {
                getContext().getLog().debug("connect to {} failed: {}", endpoint, f.cause().toString());
                state.next = failed();
                state.failed = true;
            } else if (e instanceof SocketEvent.Failed f) {
                // Most often the certificate: say so where operators look.
                getContext().getLog().warn("TLS handshake with {} failed: {}", endpoint, f.cause().toString());
                state.next = failed();
                state.failed = true;
            } else if (e instanceof SocketEvent.Closed) {
                getContext().getLog().warn("{} closed the connection during the TLS handshake", endpoint);
                state.next = failed();
                state.failed = true;
            }
        });
        if (state.next == this) {
            return this;
        }
        if (state.failed) {
            return state.next;
        }
        if (!Behavior.isAlive(state.next)) {
            stash.forEach(m -> {
                for (Open o : Exchange.opens(m)) {
                    o.stream().tell(new UpstreamFailed(Failure.NOT_PROCESSED));
                }
            });
            stash.clear();
            return state.next;
        }
        return stash.unstashAll(state.next);
    }

    /** Unreachable: the pool backs off, every waiting request is told. */
    private Behavior<ToUpstream> failed() {
        pc.metrics().connectFailed(cluster.name());
        pool.tell(new UpstreamPool.ConnectFailed(getContext().getSelf()));
        stash.forEach(m -> {
            for (Open o : Exchange.opens(m)) {
                o.stream().tell(new UpstreamFailed(Failure.CONNECT_FAILED));
            }
        });
        stash.clear();
        return Unreachable.behavior();
    }
}
