package io.h2relay.client;

import io.h2relay.io.Transport;
import io.h2relay.tls.ClientTls;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * An HTTP/2 client (with HTTP/1.1 fallback) on h2relay's sans-IO engine, after python's hyper. It opens
 * {@link ClientConnection}s; each is owned by one actor, the only code touching its engine, its TLS session and its
 * socket. Closing the client closes its connections and, when it made them, its actor system and threads.
 *
 * <pre>{@code
 * try (H2Client client = H2Client.create();
 *      ClientConnection c = client.connect(URI.create("https://example.com")).toCompletableFuture().join()) {
 *     Response r = c.send(Request.get("/")).toCompletableFuture().join();
 *     byte[] body = r.bytes().toCompletableFuture().join();
 * }
 * }</pre>
 */
public final class H2Client implements AutoCloseable {

    private static final AtomicLong CONNECTIONS = new AtomicLong();
    private static final AtomicLong THREADS = new AtomicLong();

    private final ClientConfig config;
    private final ActorSystem<?> system;
    private final boolean ownsSystem;
    private final ExecutorService executor;
    private final Transport transport;
    private final Map<ConnectMode, ClientTls> tlsByMode = new EnumMap<>(ConnectMode.class);
    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();

    private H2Client(ClientConfig config, ActorSystem<?> system, boolean ownsSystem) {
        this.config = config;
        this.system = system;
        this.ownsSystem = ownsSystem;
        this.transport = Transport.fromConfig(system);
        // Completions and blocking body reads run here, never on the actors' dispatcher.
        ThreadFactory threads = r -> {
            Thread t = new Thread(r, "h2client-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.executor = Executors.newCachedThreadPool(threads);
    }

    /** Default configuration, own actor system. */
    public static H2Client create() {
        return create(ClientConfig.defaults());
    }

    /** Own actor system, terminated by {@link #close()}. */
    public static H2Client create(ClientConfig config) {
        return new H2Client(config, ActorSystem.create(Behaviors.empty(), "h2client"), true);
    }

    /** Connection actors live in {@code system}, which {@link #close()} leaves running. */
    public static H2Client create(ClientConfig config, ActorSystem<?> system) {
        return new H2Client(config, system, false);
    }

    public ClientConfig config() {
        return config;
    }

    /** Connects as the URI's scheme says: {@code h2c}, {@code http}, {@code h2} or {@code https} ({@link ConnectMode}). */
    public CompletionStage<ClientConnection> connect(URI uri) {
        return connect(uri, ConnectMode.forScheme(uri));
    }

    /**
     * Opens a connection to the URI's host and port (the mode's default port when it has none). Completes once
     * requests can be sent: for HTTP/2 after the server's SETTINGS arrived, so its stream limit is known.
     */
    public CompletionStage<ClientConnection> connect(URI uri, ConnectMode mode) {
        String host = uri.getHost();
        if (host == null) {
            throw new IllegalArgumentException("no host in " + uri);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : mode.defaultPort();
        InetSocketAddress address = new InetSocketAddress(host, port);
        ConnectionActor.State state = new ConnectionActor.State();
        ConnectionActor.Setup setup = new ConnectionActor.Setup(address, host, port, mode, config,
                mode.tls() ? tls(mode) : null, transport, executor, state);
        ActorRef<ConnectionActor.Command> actor = system.systemActorOf(ConnectionActor.create(setup),
                "h2client-connection-" + CONNECTIONS.incrementAndGet(), Props.empty());
        ClientConnection[] holder = new ClientConnection[1];
        ClientConnection connection = new ClientConnection(actor, state, executor, address, config.closeTimeout(),
                () -> open.remove(holder[0]));
        holder[0] = connection;
        open.add(connection);
        state.closed.thenRun(() -> open.remove(connection));
        CompletableFuture<ClientConnection> result = new CompletableFuture<>();
        state.ready.whenComplete((v, failure) -> {
            if (failure != null) {
                result.completeExceptionally(failure);
            } else {
                result.complete(connection);
            }
        });
        return result.minimalCompletionStage();
    }

    /** One TLS context per mode, since the ALPN offer differs; built on first use (it reads trust material). */
    private synchronized ClientTls tls(ConnectMode mode) {
        return tlsByMode.computeIfAbsent(mode, m -> ClientTls.create(
                config.tls().withApplicationProtocols(m.alpn().toArray(new String[0]))));
    }

    /** Connections not closed yet. */
    public List<ClientConnection> connections() {
        return new ArrayList<>(open);
    }

    /**
     * Closes every connection (gracefully, each bounded by {@link ClientConfig#closeTimeout()}), then the executor
     * and, when the client made it, the actor system.
     */
    @Override
    public void close() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        for (ClientConnection c : new ArrayList<>(open)) {
            closing.add(c.shutdown().toCompletableFuture());
        }
        Duration wait = config.closeTimeout().plusSeconds(1);
        try {
            CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0]))
                    .get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            for (ClientConnection c : new ArrayList<>(open)) {
                c.abort();
            }
        }
        executor.shutdown();
        if (ownsSystem) {
            system.terminate();
            try {
                system.getWhenTerminated().toCompletableFuture().get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // Terminating goes on in the background; nothing here is left to wait for.
            }
        }
    }
}
