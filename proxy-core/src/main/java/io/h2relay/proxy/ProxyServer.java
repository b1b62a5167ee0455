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
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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
 *
 * <p><b>Reload.</b> {@link #reload} swaps the routes and clusters of a running proxy: the router and the pools sit
 * behind one atomic reference that every new request reads once, so a request sees either the old configuration or
 * the new one, never a mix. A cluster whose settings did not change keeps its pool (and its warm connections); a new
 * or changed one gets a new pool; the old pools finish the exchanges they carry, close their connections as they
 * go idle and stop. Client connections are untouched.
 */
public final class ProxyServer {

    private static final AtomicLong INSTANCES = new AtomicLong();

    /** A retired pool stops once idle, but not before this: a request that read the old routing may still come. */
    static final Duration RETIRE_GRACE = Duration.ofSeconds(2);

    private final ActorSystem<?> system;
    private final long instance;
    private final ProxyContext pc;
    private final Map<String, InetSocketAddress> addresses;
    private final List<ActorRef<Listener.Msg>> listeners;
    /** Null when no listener has TLS. */
    private final ActorRef<CertificateReloader.Msg> certificates;
    /** Every pool started, current and retired, for {@link #stop()}. */
    private final List<ActorRef<Exchange.ToPool>> allPools = new ArrayList<>();
    private ProxyConfig config;
    private Map<String, ClusterConfig> poolConfigs;
    private long generation;
    private volatile boolean draining;
    private CompletableFuture<Done> stopped;

    private ProxyServer(ActorSystem<?> system, long instance, ProxyContext pc, ProxyConfig config,
            Map<String, InetSocketAddress> addresses, List<ActorRef<Listener.Msg>> listeners,
            ActorRef<CertificateReloader.Msg> certificates) {
        this.system = system;
        this.instance = instance;
        this.pc = pc;
        this.config = config;
        this.poolConfigs = Map.copyOf(config.clusters());
        this.addresses = addresses;
        this.listeners = listeners;
        this.certificates = certificates;
        this.allPools.addAll(pc.routingNow().pools().values());
    }

    /**
     * Binds every listener of {@code config} and starts the pools. Completes once all listeners are bound, or fails
     * (with nothing left running) when one cannot be.
     *
     * @throws IllegalArgumentException when a cluster's TLS settings cannot be used (unreadable CA bundle or client
     *     key) or a listener's certificate cannot be loaded
     */
    public static CompletionStage<ProxyServer> start(ActorSystem<?> system, ProxyConfig config) {
        return start(system, config, List.of());
    }

    /**
     * As {@link #start(ActorSystem, ProxyConfig)}, telling {@code observers} about every exchange as it ends.
     */
    public static CompletionStage<ProxyServer> start(ActorSystem<?> system, ProxyConfig config,
            List<ExchangeObserver> observers) {
        return start(system, config, observers, new ProxyMetrics());
    }

    /**
     * As {@link #start(ActorSystem, ProxyConfig, List)}, with meters in {@code metrics} (built on the application's
     * registry: {@code new ProxyMetrics(prometheusRegistry)}).
     */
    public static CompletionStage<ProxyServer> start(ActorSystem<?> system, ProxyConfig config,
            List<ExchangeObserver> observers, ProxyMetrics metrics) {
        Map<String, TlsUpstreamConnect.Settings> upstreamTls = upstreamTls(system, config);
        // Certificates load first: a listener that cannot get its certificate fails the start, naming the file.
        Map<String, ListenerTls> tls = new LinkedHashMap<>();
        for (ListenerConfig l : config.listeners()) {
            if (l.tls().enabled()) {
                tls.put(l.name(), ListenerTls.create(l, config.stateDirectory(), system.log()));
            }
        }
        long instance = INSTANCES.incrementAndGet();
        Transport transport = Transport.fromConfig(system);
        ProxyContext pc = new ProxyContext(new AtomicReference<>(), new ForwardingHeaders(config.forwarding()),
                config.flowControl(), config.timeouts(),
                EngineSettings.proxyServer(config.flowControl(), config.limits(), true),
                EngineSettings.client(config.flowControl(), config.limits()),
                ProxyContext.retainLimit(config), metrics, transport, observers);
        Map<String, ActorRef<Exchange.ToPool>> pools = new HashMap<>();
        for (ClusterConfig c : config.clusters().values()) {
            pools.put(c.name(), system.systemActorOf(UpstreamPool.create(pc, c, upstreamTls.get(c.name())),
                    "h2relay-" + instance + "-pool-" + c.name(), Props.empty()));
        }
        pc.routing().set(new ProxyContext.Routing(Router.of(config), Map.copyOf(pools)));

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
        return CompletableFuture.allOf(bindings.toArray(CompletableFuture[]::new)).handle((ok, error) -> {
            ProxyServer server = new ProxyServer(system, instance, pc, config, addressesOf(config, bindings),
                    listeners, certificates);
            if (error != null) {
                server.stop();
                throw new IllegalStateException("cannot start the proxy: " + error.getMessage(), error);
            }
            return server;
        });
    }

    /**
     * The client TLS of every cluster with h2:// or https:// endpoints, made now so that an unusable CA bundle or
     * client key fails the start (or the reload) with the cluster's name.
     */
    private static Map<String, TlsUpstreamConnect.Settings> upstreamTls(ActorSystem<?> system, ProxyConfig config) {
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
        return upstreamTls;
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
        return pc.metrics();
    }

    /** The configuration in force: the one started with, with the routes and clusters of the last reload. */
    public synchronized ProxyConfig config() {
        return config;
    }

    /**
     * Why the proxy should not get new traffic now, or an empty list when it should: it is draining, a listener is
     * not bound, or a cluster has no endpoint out of back-off (passive health: an endpoint whose last connection
     * attempt failed waits before it is tried again).
     */
    public List<String> unready() {
        List<String> problems = new ArrayList<>();
        if (draining) {
            problems.add("draining");
        }
        ProxyConfig now = config();
        for (ListenerConfig l : now.listeners()) {
            if (!addresses.containsKey(l.name())) {
                problems.add("listener " + l.name() + " is not bound");
            }
        }
        for (String cluster : now.clusters().keySet()) {
            if (pc.metrics().healthyEndpoints(cluster) == 0) {
                problems.add("cluster " + cluster + " has no healthy endpoint");
            }
        }
        return problems;
    }

    /**
     * Applies the routes and clusters of {@code next} to the running proxy (see the class comment). Other settings
     * (listeners, timeouts, flow control, limits, forwarding, origin, admin) are fixed at start: each one that
     * differs is named in the returned notes and takes effect at the next start.
     *
     * @throws IllegalArgumentException when {@code next} cannot be served (a cluster TLS setting that cannot be used);
     *     nothing changed then
     */
    public synchronized List<String> reload(ProxyConfig next) {
        Objects.requireNonNull(next, "next");
        Map<String, TlsUpstreamConnect.Settings> upstreamTls = upstreamTls(system, next);
        Router router = Router.of(next);
        List<String> notes = new ArrayList<>();
        note(notes, "listeners", config.listeners(), next.listeners());
        note(notes, "timeouts", config.timeouts(), next.timeouts());
        note(notes, "flow-control", config.flowControl(), next.flowControl());
        note(notes, "limits", config.limits(), next.limits());
        note(notes, "forwarding", config.forwarding(), next.forwarding());
        note(notes, "origin", config.origin(), next.origin());
        note(notes, "admin", config.admin(), next.admin());
        note(notes, "access-log", config.accessLog(), next.accessLog());

        generation++;
        Map<String, ActorRef<Exchange.ToPool>> old = pc.routingNow().pools();
        Map<String, ActorRef<Exchange.ToPool>> pools = new HashMap<>();
        for (ClusterConfig c : next.clusters().values()) {
            ActorRef<Exchange.ToPool> kept = c.equals(poolConfigs.get(c.name())) ? old.get(c.name()) : null;
            if (kept == null) {
                kept = system.systemActorOf(UpstreamPool.create(pc, c, upstreamTls.get(c.name())),
                        "h2relay-" + instance + "-pool-" + c.name() + "-" + generation, Props.empty());
                allPools.add(kept);
            }
            pools.put(c.name(), kept);
        }
        pc.routing().set(new ProxyContext.Routing(router, Map.copyOf(pools)));
        for (ActorRef<Exchange.ToPool> p : old.values()) {
            if (!pools.containsValue(p)) {
                p.tell(UpstreamPool.Retire.INSTANCE);
            }
        }
        ProxyConfig applied = new ProxyConfig(config.listeners(), next.routes(), next.clusters(), config.timeouts(),
                config.flowControl(), config.limits(), config.forwarding(), config.origin(), config.admin(),
                config.stateDirectory(), config.accessLog(), config.record());
        config = applied;
        poolConfigs = Map.copyOf(next.clusters());
        return notes;
    }

    private static void note(List<String> notes, String key, Object was, Object now) {
        if (!was.equals(now)) {
            notes.add("h2relay." + key + " changed: it takes effect at the next start, not on reload");
        }
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
     * {@code deadline} (then cut them), then stop. Completes when every client connection is closed. From the call
     * on, {@link #unready()} says "draining".
     */
    public CompletionStage<Done> drain(Duration deadline) {
        draining = true;
        List<CompletableFuture<Done>> drained = new ArrayList<>();
        for (ActorRef<Listener.Msg> l : listeners) {
            CompletableFuture<Done> done = new CompletableFuture<>();
            l.tell(new Listener.Drain<>(new DownstreamConnection.Drain(deadline), done));
            drained.add(done);
        }
        return CompletableFuture.allOf(drained.toArray(CompletableFuture[]::new)).thenCompose(ok -> stop());
    }

    /**
     * Stops at once: listeners unbind, client and backend connections are reset. Stopping again (after a drain,
     * which ends with a stop) returns the first stop's completion.
     */
    public synchronized CompletionStage<Done> stop() {
        draining = true;
        if (stopped != null) {
            return stopped;
        }
        List<CompletableFuture<Done>> done = new ArrayList<>();
        for (ActorRef<Listener.Msg> l : listeners) {
            CompletableFuture<Done> d = new CompletableFuture<>();
            l.tell(new Listener.Stop(d));
            done.add(d);
        }
        for (ActorRef<Exchange.ToPool> p : allPools) {
            p.tell(UpstreamPool.Stop.INSTANCE);
        }
        if (certificates != null) {
            certificates.tell(CertificateReloader.Stop.INSTANCE);
        }
        stopped = CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).thenApply(ok -> Done.getInstance());
        return stopped;
    }
}
