package io.h2relay.app;

import io.h2relay.config.InvalidConfigException;
import io.h2relay.config.ProxyConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * {@code SIGHUP}: read the configuration again (the same file and flags {@code serve} started with), check it whole,
 * and apply it step by step to the running process: the routes and clusters ({@code ProxyServer.reload}), then
 * whatever else registered a step (the TLS certificates). A file that does not load, or that a step refuses, is
 * rejected with one log line per problem and the configuration in force stays.
 *
 * <p><b>The JVM and SIGHUP.</b> By default the JVM treats SIGHUP like SIGTERM: it runs the shutdown hooks, so the
 * proxy would drain and exit. {@link #onSighup()} replaces that with a handler through {@code sun.misc.Signal}
 * (module {@code jdk.unsupported}, present in every JDK and JRE since 9, and the only way to catch a signal without
 * native code). Until it is installed (during start-up) a SIGHUP still stops the process, and under {@code -Xrs}
 * it cannot be installed at all: then reload is off and a warning says so.
 */
final class Reloader {

    private static final Logger LOG = LoggerFactory.getLogger(Reloader.class);

    /** One thing a reload applies; returns notes (settings that changed but wait for a restart), or throws. */
    @FunctionalInterface
    interface Step {
        List<String> apply(ProxyConfig next) throws Exception;
    }

    /** What one reload did: applied (with notes), or rejected (with the problems). */
    record Result(boolean applied, List<String> messages) {}

    private final Supplier<ProxyConfig> load;
    private final String source;
    private final List<Step> steps = new ArrayList<>();
    private final Counter applied;
    private final Counter rejected;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "h2relay-reload");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param load reads and checks the configuration, throwing {@link InvalidConfigException} naming file, line and
     *     key of each problem
     * @param source where it comes from, for the log
     */
    Reloader(Supplier<ProxyConfig> load, String source, MeterRegistry registry) {
        this.load = load;
        this.source = source;
        this.applied = Counter.builder("h2relay.config.reloads").tag("result", "applied")
                .description("configuration reloads (SIGHUP)").register(registry);
        this.rejected = Counter.builder("h2relay.config.reloads").tag("result", "rejected")
                .description("configuration reloads (SIGHUP)").register(registry);
    }

    /** Adds a step; steps run in the order added, each only if the ones before it succeeded. */
    Reloader step(Step step) {
        steps.add(step);
        return this;
    }

    /** Reloads now, on the caller's thread; one reload at a time. */
    synchronized Result reload() {
        ProxyConfig next;
        try {
            next = load.get();
        } catch (InvalidConfigException e) {
            return rejected(e.problems().stream().map(Object::toString).toList());
        } catch (RuntimeException e) {
            return rejected(List.of(String.valueOf(e.getMessage())));
        }
        List<String> notes = new ArrayList<>();
        for (Step s : steps) {
            try {
                notes.addAll(s.apply(next));
            } catch (Exception e) {
                return rejected(List.of(String.valueOf(e.getMessage())));
            }
        }
        applied.increment();
        LOG.info("reloaded the configuration from {}: {} routes, {} clusters", source, next.routes().size(),
                next.clusters().size());
        notes.forEach(n -> LOG.warn("reload: {}", n));
        return new Result(true, notes);
    }

    private Result rejected(List<String> problems) {
        rejected.increment();
        LOG.error("reload rejected, the configuration in force stays; {} has {} problem(s):", source,
                problems.size());
        problems.forEach(p -> LOG.error("  {}", p));
        return new Result(false, problems);
    }

    /** Installs the SIGHUP handler: each signal queues one reload on a thread of its own. */
    void onSighup() {
        try {
            Signal.handle(new Signal("HUP"), signal -> worker.execute(this::reload));
        } catch (IllegalArgumentException e) {
            LOG.warn("SIGHUP cannot be caught ({}): configuration reload is off, and SIGHUP stops the process",
                    e.getMessage());
        }
    }
}
