package io.h2relay.proxy;

import io.h2relay.config.ClusterConfig;
import io.h2relay.config.Endpoint;
import io.h2relay.config.ListenerConfig;
import io.h2relay.config.ProxyConfig;
import io.h2relay.io.Binding;
import io.h2relay.io.Transport;
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
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * The reverse proxy of one configuration: a {@link Listener} per configured listener, a {@link DownstreamConnection}
 * per client connection, an {@link UpstreamPool} per cluster. What {@code ./h2relay serve} runs.
 *
 * <p>Client connections speak HTTP/2 with prior knowledge (h2c); backends are {@code h2c://} endpoints.
 */
public final class ProxyServer {

    private static final AtomicLong INSTANCES = new AtomicLong();

    private final Map<String, InetSocketAddress> addresses;
    private final List<ActorRef<Listener.Msg>> listeners;
    private final List<ActorRef<Exchange.ToPool>> pools;
    private final ProxyMetrics metrics;

    private ProxyServer(Map<String, InetSocketAddress> addresses, List<ActorRef<Listener.Msg>> listeners,
            List<ActorRef<Exchange.ToPool>> pools, ProxyMetrics metrics) {
        this.addresses = addresses;
        this.listeners = listeners;
        this.pools = pools;
        this.metrics = metrics;
    }

    /**
     * Binds every listener of {@code config} and starts the pools. Completes once all listeners are bound, or fails
     * (with nothing left running) when one cannot be.
     *
     * @throws IllegalArgumentException when the configuration asks for what this runtime does not speak: a backend
     *     that is not {@code h2c://}, or a listener without {@code h2c}
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
        for (ClusterConfig c : config.clusters().values()) {
            for (Endpoint e : c.endpoints()) {
                if (e.scheme() != Endpoint.Scheme.H2C) {
                    throw new IllegalArgumentException("cluster " + c.name() + ": endpoint " + e
                            + " needs " + e.scheme().prefix() + "://, which the proxy cannot reach yet; use h2c://");
                }
            }
        }
        for (ListenerConfig l : config.listeners()) {
            if (!l.protocols().contains(ListenerConfig.Protocol.H2C)) {
                throw new IllegalArgumentException("listener " + l.name() + " must accept h2c: HTTP/1.1 clients are "
                        + "not served yet");
            }
        }
        long instance = INSTANCES.incrementAndGet();
        Transport transport = Transport.fromConfig(system);
        ProxyContext base = new ProxyContext(Router.of(config), Map.of(),
                new ForwardingHeaders(config.forwarding()), config.flowControl(), config.timeouts(),
                EngineSettings.server(config.flowControl(), config.limits(), true),
                EngineSettings.client(config.flowControl(), config.limits()),
                ProxyContext.retainLimit(config), metrics, transport);
        Map<String, ActorRef<Exchange.ToPool>> pools = new HashMap<>();
        for (ClusterConfig c : config.clusters().values()) {
            pools.put(c.name(), system.systemActorOf(UpstreamPool.create(base, c),
                    "h2relay-" + instance + "-pool-" + c.name(), Props.empty()));
        }
        ProxyContext pc = new ProxyContext(new AtomicReference<>(new ProxyContext.Routing(base.routingNow().router(),
                Map.copyOf(pools))), base.forwarding(), base.flow(), base.timeouts(), base.serverEngine(),
                base.clientEngine(), base.retainLimit(), metrics, transport, observers);

        List<ActorRef<Listener.Msg>> listeners = new ArrayList<>();
        List<CompletableFuture<Binding>> bindings = new ArrayList<>();
        for (ListenerConfig l : config.listeners()) {
            CompletableFuture<Binding> bound = new CompletableFuture<>();
            listeners.add(system.systemActorOf(
                    Listener.create(transport, new InetSocketAddress(l.host(), l.port()), bound,
                            accepted -> DownstreamConnection.create(accepted, pc, l.name())),
                    "h2relay-" + instance + "-listener-" + l.name(), Props.empty()));
            bindings.add(bound);
        }
        List<ActorRef<Exchange.ToPool>> poolRefs = List.copyOf(pools.values());
        return CompletableFuture.allOf(bindings.toArray(CompletableFuture[]::new)).handle((ok, error) -> {
            ProxyServer server = new ProxyServer(addressesOf(config, bindings), listeners, poolRefs, metrics);
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
        return CompletableFuture.allOf(stopped.toArray(CompletableFuture[]::new)).thenApply(ok -> Done.getInstance());
    }
}
