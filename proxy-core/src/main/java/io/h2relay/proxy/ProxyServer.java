package io.h2relay.proxy;

import io.h2relay.config.ClusterConfig;
import io.h2relay.config.ListenerConfig;
import io.h2relay.config.ProxyConfig;
import io.h2relay.io.Binding;
import io.h2relay.io.Transport;
import io.h2relay.tls.CertificateStore;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;

/**
 * The reverse proxy of one configuration: a {@link Listener} per configured listener, a {@link ConnectionFront} per
 * client connection (which becomes a {@link DownstreamConnection} for HTTP/2 or an {@link Http1Downstream} for
 * HTTP/1.1, as the listener's {@code protocols} allow), an {@link UpstreamPool} per cluster. What
 * {@code ./h2relay serve} runs.
 *
 * <p>A listener with a {@code tls} section wraps every connection in TLS ({@link ListenerRuntime} carries its
 * {@link io.h2relay.tls.ServerTls}); its certificates are reloaded by a {@link CertificateReloader}. Backends are
 * reached as {@code h2c://} (HTTP/2 with prior knowledge), {@code http://} (HTTP/1.1), {@code h2://}
 * (HTTP/2 over TLS) or {@code https://} (TLS, HTTP/2 or HTTP/1.1 as ALPN settles).
 */
public final class ProxyServer {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final Map<String, InetSocketAddress> addresses;
    private final List<ActorRef<Listener.Msg>> listeners;
    private final List<ActorRef<Exchange.ToPool>> pools;
    private final ProxyMetrics metrics;
    /** Null when no listener has TLS. */
    private final ActorRef<CertificateReloader.Msg> certificates;

    private ProxyServer(Map<String, InetSocketAddress> addresses, List<ActorRef<Listener.Msg>> listeners,
            List<ActorRef<Exchange.ToPool>> pools, ProxyMetrics metrics,
            ActorRef<CertificateReloader.Msg> certificates) {
        this.addresses = addresses;
        this.listeners = listeners;
        this.pools = pools;
        this.metrics = metrics;
        this.certificates = certificates;
    }

    /**
     * Binds every listener of {@code config} and starts the pools. Completes once all listeners are bound, or fails
     * (with nothing left running) when one cannot be.
     *
     * @throws IllegalArgumentException when a cluster's TLS settings cannot be used (unreadable CA bundle or client
     *     key)
     */
    public static CompletionStage<ProxyServer> start(ActorSystem<?> system, ProxyConfig config) {
        Map<String, TlsUpstreamConnect.Settings> upstreamTls = new HashMap<>();
        for (ClusterConfig c : config.clusters().values()) {
            try {
                upstreamTls.put(c.name(), TlsUpstreamConnect.Settings.of(c));
            } catch (RuntimeException e) { // TlsConfigException: a CA bundle or client key that cannot be used
                throw new IllegalArgumentException("cluster " + c.name() + ": " + e.getMessage(), e);
            }
            if (c.tls().insecure() && upstreamTls.get(c.name()) != null) {
                system.log().warn("cluster {}: TLS certificates of its backends are NOT verified (tls.insecure = true)",
                        c.name());
            }
        }
        // Certificates load first: a listener that cannot get its certificate fails the start, naming the file.
        Map<String, ListenerTls> tls = new LinkedHashMap<>();
        for (ListenerConfig l : config.listeners()) {
            if (l.tls().enabled()) {
                tls.put(l.name(), ListenerTls.create(l, config.stateDirectory(), system.log()));
            }
        }
        long instance = INSTANCES.incrementAndGet();
        ProxyMetrics metrics = new ProxyMetrics();
        Transport transport = Transport.fromConfig(system);
        ProxyContext base = new ProxyContext(Router.of(config), Map.of(),
                new ForwardingHeaders(config.forwarding()), config.flowControl(), config.timeouts(),
                EngineSettings.proxyServer(config.flowControl(), config.limits(), true),
                EngineSettings.client(config.flowControl(), config.limits()),
                ProxyContext.retainLimit(config), metrics, transport);
        Map<String, ActorRef<Exchange.ToPool>> pools = new HashMap<>();
        for (ClusterConfig c : config.clusters().values()) {
            pools.put(c.name(), system.systemActorOf(UpstreamPool.create(base, c, upstreamTls.get(c.name())),
                    "h2relay-" + instance + "-pool-" + c.name(), Props.empty()));
        }
        ProxyContext pc = new ProxyContext(base.router(), Map.copyOf(pools), base.forwarding(), base.flow(),
                base.timeouts(), base.serverEngine(), base.clientEngine(), base.retainLimit(), metrics, transport);

        List<ActorRef<Listener.Msg>> listeners = new ArrayList<>();
        List<CompletableFuture<Binding>> bindings = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            CompletableFuture<Binding> bound = new CompletableFuture<>();
            ListenerTls listenerTls = tls.get(l.name());
            io.h2relay.tls.ServerTls serverTls = listenerTls == null ? null : listenerTls.serverTls();
            listeners.add(system.systemActorOf(
                    Listener.create(transport, new InetSocketAddress(l.host(), l.port()), bound,
                            accepted -> ConnectionFront.create(accepted, pc, new ListenerRuntime(l, serverTls))),
                    "h2relay-" + instance + "-listener-" + l.name(), Props.empty()));
            bindings.add(bound);
        }
        ActorRef<CertificateReloader.Msg> certificates = tls.isEmpty() ? null
                : system.systemActorOf(CertificateReloader.create(List.copyOf(tls.values())),
                        "h2relay-" + instance + "-certificates", DispatcherSelector.blocking());
        List<ActorRef<Exchange.ToPool>> poolRefs = List.copyOf(pools.values());
        return CompletableFuture.allOf(bindings.toArray(CompletableFuture[]::new)).handle((ok, error) -> {
            ProxyServer server = new ProxyServer(addressesOf(config, bindings), listeners, poolRefs, metrics,
                    certificates);
            if (error != null) {
                server.stop();
                throw new IllegalStateException("cannot start the proxy: " + error.getMessage(), error);
            }
            return server;
        });
    }

    private static Map<String, InetSocketAddress> addressesOf(ProxyConfig config,
            List<CompletableFuture<Binding>> bindings) {
        Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
        for (int i = 0; i < bindings.size(); i++) {
            Binding b = bindings.get(i).getNow(null);
            if (b != null) {
                addresses.put(config.listeners().get(i).name(), b.localAddress());
            }
        }
        return addresses;
    }

    /** The bound address of each listener, by listener name (with the chosen port where port 0 was asked for). */
    public Map<String, InetSocketAddress> addresses() {
        return addresses;
    }

    /** The bound address of a listener. */
    public InetSocketAddress address(String listener) {
        InetSocketAddress a = addresses.get(listener);
        if (a == null) {
            throw new IllegalArgumentException("no listener named " + listener);
        }
        return a;
    }

    public ProxyMetrics metrics() {
        return metrics;
    }

    /**
     * Reads every TLS listener's certificate files now (as its timer would) and swaps in those that changed and
     * load; new connections use them, open ones keep theirs. Completes with what each check did, by listener name
     * (empty without TLS listeners). For SIGHUP.
     */
    public CompletionStage<Map<String, CertificateStore.Reload>> reloadCertificates() {
        if (certificates == null) {
            return CompletableFuture.completedFuture(Map.of());
        }
        CompletableFuture<Map<String, CertificateStore.Reload>> done = new CompletableFuture<>();
        certificates.tell(new CertificateReloader.ReloadNow(done));
        return done;
    }

    /**
     * Graceful shutdown: stop accepting, send GOAWAY to every client, let exchanges under way finish until
     * {@code deadline} (then cut them), then stop. Completes when every client connection is closed.
     */
    public CompletionStage<Done> drain(Duration deadline) {
        List<CompletableFuture<Done>> drained = new ArrayList<>();
        for (ActorRef<Listener.Msg> l : listeners) {
            CompletableFuture<Done> done = new CompletableFuture<>();
            l.tell(new Listener.Drain<>(new DownstreamConnection.Drain(deadline), done));
            drained.add(done);
        }
        return CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).thenCompose(ok -> stop());
    }

    /** Stops at once: listeners unbind, client and backend connections are reset. */
    public CompletionStage<Done> stop() {
        List<CompletableFuture<Done>> stopped = new ArrayList<>();
        for (ActorRef<Listener.Msg> l : listeners) {
            CompletableFuture<Done> done = new CompletableFuture<>();
            l.tell(new Listener.Stop(done));
            stopped.add(done);
        }
        for (ActorRef<Exchange.ToPool> p : pools) {
            p.tell(UpstreamPool.Stop.INSTANCE);
        }
        if (certificates != null) {
            certificates.tell(CertificateReloader.Stop.INSTANCE);
        }
        return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).thenApply(ok -> Done.getInstance());
    }
}
