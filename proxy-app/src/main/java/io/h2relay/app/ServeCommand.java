package io.h2relay.app;

import io.h2relay.app.record.HarRecorder;
import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.OriginServer;
import io.h2relay.proxy.ExchangeObserver;
import io.h2relay.proxy.ProxyMetrics;
import io.h2relay.proxy.ProxyServer;
import io.h2relay.tls.CertificateStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code h2relay serve}: the proxy's listeners, the built-in origin when {@code h2relay.origin.enabled} and the admin
 * listener when {@code h2relay.admin.enabled}, until SIGTERM; then {@code /readyz} turns 503, GOAWAY goes to every
 * client, in-flight exchanges get {@code h2relay.timeouts.drain} to finish, and the process exits 0.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = {
            "Run the proxy. With no flags it reads conf/h2relay.conf: HTTP/2 with prior knowledge on 127.0.0.1:8080, "
                    + "routed to the built-in origin on 127.0.0.1:8081.",
            "With --upstream and no --config no file is read: `serve --listen 127.0.0.1:9080 --upstream "
                    + "h2c://127.0.0.1:9000` proxies to that backend.",
            "Prints each bound address on standard output once listening. SIGTERM or SIGINT drains (GOAWAY, then "
                    + "in-flight requests get h2relay.timeouts.drain to finish) and exits 0.",
            "SIGHUP reads the configuration again and applies its routes and clusters without dropping connections; "
                    + "an invalid file is logged and ignored.",
        },
        footer = {"", "Exit status: 0 stopped by a signal, 1 failed (a port in use), 2 wrong command line or "
                + "configuration (one FILE:LINE: KEY: MESSAGE line per problem)."})
final class ServeCommand implements Callable<Integer> {

    @ParentCommand
    H2relay parent;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options;

    @Mixin
    LogOptions log;

    @Option(names = "--record", paramLabel = "FILE.har",
            description = "Write every exchange to this HAR file (h2relay.record.file with all-routes = true; "
                    + "bodies up to h2relay.record.max-body-size; credentials redacted) for `h2relay replay`.")
    Path record;

    @Override
    public Integer call() {
        ProxyConfig loaded = options.load(parent.home());
        ProxyConfig config = record == null ? loaded
                : loaded.withRecord(loaded.record().everythingTo(record.toString()));
        log.level.applyToLogback();
        PrintWriter out = spec.commandLine().getOut();
        Duration drain = config.timeouts().drain();
        ActorSystem<Void> system = Lifecycle.actorSystem(log.level, drain);
        PrometheusMeterRegistry registry = Metrics.registry();
        ProxyServer proxy;
        try {
            proxy = start(system, config, registry, drain, out);
        } catch (RuntimeException e) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().join();
            registry.close();
            throw e;
        }
        // Routes and clusters, then the TLS listeners' certificate files (as their timers would, but now).
        new Reloader(() -> options.load(parent.home()), options.describe(parent.home()), registry)
                .step(proxy::reload)
                .step(next -> certificateNotes(proxy.reloadCertificates().toCompletableFuture().get()))
                .onSighup();
        out.println("h2relay: ready; SIGTERM drains for up to " + EffectiveConfig.duration(drain));
        out.flush();
        return Lifecycle.serveUntilStopped(system, drain, spec.commandLine().getErr());
    }

    private ProxyServer start(ActorSystem<Void> system, ProxyConfig config, PrometheusMeterRegistry registry,
            Duration drain, PrintWriter out) {
        CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
        if (config.origin().enabled()) {
            // First, so that the routes to it work from the first request on.
            OriginServer origin = Lifecycle.await(OriginServer.start(system, config),
                    "the built-in origin on " + config.origin().address());
            out.println("h2relay: origin listening on " + Addresses.show(origin.address()));
            // After the drain (service-stop follows service-requests-done): draining requests may still need it.
            shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "h2relay-origin-stop", origin::stop);
        }
        List<ExchangeObserver> observers = new ArrayList<>();
        AccessLog accessLog;
        try {
            accessLog = AccessLog.start(config.accessLog(), registry, System.out);
        } catch (IOException e) {
            throw new CommandFailure(H2relay.EXIT_FAILED, "cannot open the access log " + config.accessLog().file()
                    + ": " + e.getMessage(), e);
        }
        if (accessLog != null) {
            observers.add(accessLog);
            // After the drain: the drained exchanges' lines are written too.
            shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "h2relay-access-log-close", () -> {
                accessLog.close();
                return java.util.concurrent.CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
            });
        }
        HarRecorder recorder;
        try {
            recorder = HarRecorder.start(config, Version.current());
        } catch (IOException e) {
            throw new CommandFailure(H2relay.EXIT_FAILED, "cannot record to " + config.record().file() + ": " + e, e);
        }
        if (recorder != null) {
            observers.add(recorder);
        }
        ProxyServer proxy;
        try {
            proxy = Lifecycle.await(ProxyServer.start(system, config, observers, new ProxyMetrics(registry)),
                    "the proxy");
        } catch (RuntimeException e) {
            if (recorder != null) {
                recorder.close();
            }
            if (e instanceof IllegalArgumentException) {
                // A configuration this runtime cannot serve yet (a backend scheme, a listener protocol).
                throw new CommandFailure(H2relay.EXIT_USAGE, e.getMessage(), e);
            }
            throw e;
        }
        if (recorder != null) {
            out.println("h2relay: recording exchanges to " + recorder.file());
            // After the drain, so the exchanges it finished are in the file.
            shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "h2relay-record-close",
                    () -> CompletableFuture.supplyAsync(() -> {
                        recorder.close();
                        return Done.done();
                    }));
        }
        for (Map.Entry<String, InetSocketAddress> l : proxy.addresses().entrySet()) {
            out.println("h2relay: listener " + l.getKey() + " listening on " + Addresses.show(l.getValue()));
        }
        if (config.admin().enabled()) {
            AdminServer admin = startAdmin(config, registry, proxy);
            out.println("h2relay: admin listening on " + Addresses.show(admin.address())
                    + " (/metrics /healthz /readyz /config)");
            // Stopped after the drain, so that /readyz answers 503 throughout it.
            shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "h2relay-admin-stop", () -> {
                admin.stop();
                registry.close();
                return java.util.concurrent.CompletableFuture.completedFuture(org.apache.pekko.Done.getInstance());
            });
        }
        shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "h2relay-drain", () -> {
            Logger logger = LoggerFactory.getLogger(ServeCommand.class);
            logger.info("draining: /readyz now fails, GOAWAY to every client; in-flight requests have {} to finish",
                    EffectiveConfig.duration(drain));
            return proxy.drain(drain).thenApply(done -> {
                logger.info("drained");
                return done;
            });
        });
        return proxy;
    }

    private static AdminServer startAdmin(ProxyConfig config, PrometheusMeterRegistry registry, ProxyServer proxy) {
        try {
            return AdminServer.start(config.admin(), new AdminServer.Sources(registry, proxy::unready,
                    () -> EffectiveConfig.masked(proxy.config())));
        } catch (IOException e) {
            proxy.stop();
            throw new CommandFailure(H2relay.EXIT_FAILED, "cannot start the admin listener on "
                    + config.admin().address() + ": " + e.getMessage(), e);
        }
    }

    /** What a certificate check on SIGHUP did, one note per listener whose files changed or failed to load. */
    private static List<String> certificateNotes(
            Map<String, CertificateStore.Reload> reloads) {
        List<String> notes = new ArrayList<>();
        reloads.forEach((listener, r) -> {
            r.reloaded().forEach(c -> notes.add("listener " + listener + ": certificate reloaded: " + c));
            r.errors().forEach(e -> notes.add("listener " + listener + ": certificate kept, new files rejected: " + e));
        });
        return notes;
    }
}
