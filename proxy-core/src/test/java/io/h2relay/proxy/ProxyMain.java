package io.h2relay.proxy;

import io.h2relay.config.CommandLineOverrides;
import io.h2relay.config.ConfigLoader;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Measurement only, not a test: the proxy with {@code --listen} and {@code --upstream} before the CLI exists.
 * Usage: {@code java -cp ... io.h2relay.proxy.ProxyMain 127.0.0.1:9080 h2c://127.0.0.1:9000}.
 */
public final class ProxyMain {

    private ProxyMain() {}

    public static void main(String[] args) throws Exception {
        ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "proxy");
        ProxyServer proxy = ProxyServer.start(system,
                ConfigLoader.fromCommandLine(new CommandLineOverrides(List.of(args[0]), List.of(args[1]))))
                .toCompletableFuture().get();
        System.out.println("proxy listening on " + proxy.addresses());
        system.getWhenTerminated().toCompletableFuture().join();
    }
}
