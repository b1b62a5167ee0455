package io.h2relay.origin;

import io.h2relay.config.EngineLimits;
import io.h2relay.config.FlowControlConfig;
import io.h2relay.config.ProxyConfig;
import io.h2relay.io.Binding;
import io.h2relay.io.Transport;
import io.h2relay.proxy.Listener;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/**
 * The built-in origin: a fast HTTP/2 (h2c, prior knowledge) test backend with httpbin-like endpoints (see
 * {@link Endpoint}), one actor per connection. It is what {@code ./h2relay origin} runs, what the default
 * configuration routes to, and the backend of the load tests and of our own tests.
 */
public final class OriginServer {

    private static final AtomicLong SERVERS = new AtomicLong();

    private final Binding binding;
    private final ActorRef<Listener.Msg> listener;

    private OriginServer(Binding binding, ActorRef<Listener.Msg> listener) {
        this.binding = binding;
        this.listener = listener;
    }

    /** Listens on {@code address} (port 0: any free port) with the given windows and engine limits. */
    public static CompletionStage<OriginServer> start(ActorSystem<?> system, InetSocketAddress address,
            FlowControlConfig flow, EngineLimits limits) {
        CompletableFuture<Binding> bound = new CompletableFuture<>();
        Transport transport = Transport.fromConfig(system);
        ActorRef<Listener.Msg> listener = system.systemActorOf(
                Listener.create(transport, address, bound, accepted -> OriginConnection.create(accepted, flow, limits)),
                "h2relay-origin-" + SERVERS.incrementAndGet(), Props.empty());
        return bound.thenApply(b -> new OriginServer(b, listener));
    }

    /** Listens where {@code config.origin()} says, with the configuration's windows and limits. */
    public static CompletionStage<OriginServer> start(ActorSystem<?> system, ProxyConfig config) {
        return start(system, new InetSocketAddress(config.origin().host(), config.origin().port()),
                config.flowControl(), config.limits());
    }

    /** The address bound (with the chosen port when port 0 was asked for). */
    public InetSocketAddress address() {
        return binding.localAddress();
    }

    /** Stops listening and resets every open connection. */
    public CompletionStage<Done> stop() {
        CompletableFuture<Done> done = new CompletableFuture<>();
        listener.tell(new Listener.Stop(done));
        return done;
    }
}
