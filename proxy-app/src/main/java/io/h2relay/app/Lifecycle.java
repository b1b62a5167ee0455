package io.h2relay.app;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The life of a serving process: the actor system, start-up waits, and the stop on SIGTERM.
 *
 * <p>SIGTERM (or SIGINT; SIGHUP only before {@link Reloader} takes it over) starts the JVM's shutdown hooks. Pekko's own hook runs {@link CoordinatedShutdown},
 * whose {@code service-requests-done} phase is where the proxy drains (GOAWAY, in-flight exchanges finish within
 * {@code h2relay.timeouts.drain}); our hook waits for that and for the actor system to end. The JVM would then exit
 * with 143 (128 + SIGTERM) however cleanly it stopped; a drained stop is a success for systemd and Kubernetes, so
 * the hook ends the process with status 0 itself. An exit this program asked for ({@link #exit}) keeps its status.
 */
final class Lifecycle {

    /** Time for everything after the drain: stopping the origin, pools and the actor system. */
    static final Duration STOP_MARGIN = Duration.ofSeconds(10);

    /** How long start-up may wait for a socket to be bound. */
    static final Duration BIND_TIMEOUT = Duration.ofSeconds(30);

    /** Set once this program decided to exit, so that the shutdown hook leaves the status alone. */
    private static final AtomicBoolean EXITING = new AtomicBoolean();

    /** Set once a signal started the shutdown hooks while a system was serving. */
    private static final AtomicBoolean SIGNALLED = new AtomicBoolean();

    private Lifecycle() {}

    /** Ends the process with {@code status}, which the shutdown hook will not override. */
    static void exit(int status) {
        EXITING.set(true);
        System.exit(status);
    }

    /**
     * An actor system named {@code h2relay} with the application's configuration ({@code application.conf}, then
     * Pekko's reference; {@code -Dpekko.*} system properties override both), Pekko logging at {@code level}, and the
     * shutdown phase that drains given {@code drain} plus a margin.
     */
    static ActorSystem<Void> actorSystem(LogLevel level, Duration drain) {
        Config overrides = ConfigFactory.parseMap(Map.of(
                "pekko.loglevel", level.pekkoLevel(),
                "pekko.coordinated-shutdown.phases.service-requests-done.timeout",
                        drain.plus(STOP_MARGIN).toMillis() + "ms"),
                "h2relay command line");
        return ActorSystem.create(Behaviors.empty(), "h2relay", overrides.withFallback(ConfigFactory.load()));
    }

    /** Waits for a start-up step (a bind) to finish, turning its failure into a {@link CommandFailure}. */
    static <T> T await(CompletionStage<T> step, String what) {
        try {
            return step.toCompletableFuture().get(BIND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable root = e.getCause();
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String reason = root.getMessage() != null ? root.getMessage() : root.toString();
            throw new CommandFailure(H2relay.EXIT_FAILED, "cannot start " + what + ": " + reason, e.getCause());
        } catch (TimeoutException e) {
            throw new CommandFailure(H2relay.EXIT_FAILED, "cannot start " + what + ": not bound after "
                    + BIND_TIMEOUT.toSeconds() + "s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CommandFailure(H2relay.EXIT_FAILED, "interrupted while starting " + what);
        }
    }

    /**
     * Serves until a signal stops the process: installs the shutdown hook, then blocks until the actor system has
     * terminated. Returns {@link H2relay#EXIT_OK} after a signal (the hook ends the process with it), or
     * {@link H2relay#EXIT_FAILED} when the system stopped by itself.
     */
    static int serveUntilStopped(ActorSystem<Void> system, Duration drain, PrintWriter err) {
        long waitMillis = drain.plus(STOP_MARGIN).plus(STOP_MARGIN).toMillis();
        Thread hook = new Thread(() -> {
            if (EXITING.get()) {
                return;
            }
            SIGNALLED.set(true);
            CoordinatedShutdown.get(system).run(CoordinatedShutdown.jvmExitReason());
            try {
                system.getWhenTerminated().toCompletableFuture().get(waitMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                err.println("h2relay: the actor system did not stop within " + waitMillis + " ms: " + e);
            }
            System.out.flush();
            err.flush();
            Runtime.getRuntime().halt(H2relay.EXIT_OK);
        }, "h2relay-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        system.getWhenTerminated().toCompletableFuture().join();
        if (SIGNALLED.get()) {
            return H2relay.EXIT_OK;
        }
        err.println("h2relay: the actor system stopped by itself");
        err.flush();
        return H2relay.EXIT_FAILED;
    }
}
