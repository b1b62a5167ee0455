package io.h2relay.origin;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import java.net.InetSocketAddress;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Measurement only, not a test: the built-in origin on a fixed port, for h2load runs before the CLI exists.
 * Usage: {@code java -cp ... io.h2relay.origin.OriginMain PORT}.
 */
public final class OriginMain {

    private OriginMain() {}

    public static void main(String[] args) throws Exception {
        ProxyConfig defaults = ConfigLoader.defaults();
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "origin");
        OriginServer server = OriginServer.start(system, new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])),
                defaults.flowControl(), defaults.limits()).toCompletableFuture().get();
        System.out.println("origin listening on " + server.address());
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
