package io.h2relay.app;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.OriginServer;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code h2relay origin}: the built-in HTTP/2 test backend alone, until SIGTERM. */
@Command(
        name = "origin",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Run the built-in origin alone: a fast HTTP/2 (h2c, prior knowledge) test backend for load tests.",
            "Endpoints: /bytes/N (N bytes), /echo (streams the request body back), /delay/MS, /status/CODE, "
                    + "/headers (the request's fields), /trailers (a response with trailers).",
            "Prints the bound address on standard output once listening; SIGTERM or SIGINT stops it with exit 0.",
        },
        footer = {"", "Exit status: 0 stopped by a signal, 1 failed (the port in use), 2 wrong command line."})
final class OriginCommand implements Callable<Integer> {

    static final String DEFAULT_LISTEN = "127.0.0.1:8081";

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = DEFAULT_LISTEN,
            description = "Where to listen (IPv6 as [::1]:8081; port 0 takes any free port). Default: "
                    + "${DEFAULT-VALUE}.")
    String listen;

    @Mixin
    LogOptions log;

    @Override
    public Integer call() {
        // Through the configuration parser, so the address is checked like h2relay.origin.address in a file; the
        // windows and engine limits are the defaults.
        ProxyConfig config = ConfigLoader.fromConfig(ConfigFactory.empty()
                .withValue("h2relay.origin.enabled", ConfigValueFactory.fromAnyRef(true, "command line --listen"))
                .withValue("h2relay.origin.address", ConfigValueFactory.fromAnyRef(listen, "command line --listen")));
        log.level.applyToLogback();
        PrintWriter out = spec.commandLine().getOut();
        ActorSystem<Void> system = Lifecycle.actorSystem(log.level, Duration.ZERO);
        OriginServer origin;
        try {
            origin = Lifecycle.await(OriginServer.start(system, config), "the origin on " + config.origin().address());
        } catch (RuntimeException e) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            throw e;
        }
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseServiceUnbind(), "h2relay-origin-stop",
                origin::stop);
        out.println("h2relay: origin listening on " + Addresses.show(origin.address()));
        out.flush();
        return Lifecycle.serveUntilStopped(system, Duration.ZERO, spec.commandLine().getErr());
    }
}
