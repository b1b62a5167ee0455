package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar h2relay.jar serve} as a process: SIGHUP reloads routes under h2load and rejects a bad file,
 * SIGTERM fails {@code /readyz} and lets every in-flight request finish before exiting 0.
 */
class ServeIT {

    private static final Pattern ADMIN = Pattern.compile("h2relay: admin listening on (\\S+) .*");
    private static final Pattern RELOADED = Pattern.compile(".*reloaded the configuration from .*");
    private static final Pattern REJECTED = Pattern.compile(".*reload rejected, the configuration in force stays.*");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path cwd;

    /** A configuration with the built-in origin, the admin listener, and the catch-all route tagged {@code gen}. */
    private static String config(int originPort, int gen, String extra) {
        return """
                h2relay {
                  listeners.main.address = "127.0.0.1:0"
                  origin { enabled = true, address = "127.0.0.1:%d" }
                  admin { enabled = true, address = "127.0.0.1:0" }
                  clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                  routes.default { cluster = origin, response-headers.set { x-gen = "%d" } }
                  timeouts.drain = 20s
                %s
                }
                """.formatted(originPort, originPort, gen, extra);
    }

    /** The started process and its addresses. */
    private record Serving(Proc proc, String listener, String admin) {}

    private Serving serve(Path file) throws InterruptedException {
        Proc p = Proc.start(cwd, List.of(JarIT.java(), "-jar", JarIT.jar().toString(), "serve", "--config",
                file.toString()));
        p.awaitLine(LauncherIT.ORIGIN);
        String listener = p.awaitLine(LauncherIT.LISTENER).group(2);
        String admin = p.awaitLine(ADMIN).group(1);
        p.awaitLine(LauncherIT.READY);
        return new Serving(p, listener, admin);
    }

    private String gen(Serving s) throws InterruptedException {
        String head = Proc.run(cwd, Proc.program("curl", "curl"), "-sS", "--http2-prior-knowledge", "--max-time",
                "30", "-o", "/dev/null", "-D", "-", "http://" + s.listener() + "/bytes/1");
        Matcher m = Pattern.compile("(?m)^x-gen: (\\S+)\r?$").matcher(head);
        assertTrue(m.find(), head);
        return m.group(1);
    }

    private void hangUp(Proc p) throws InterruptedException {
        Proc.run(cwd, "/bin/kill", "-HUP", Long.toString(p.pid()));
    }

    private static HttpResponse<String> admin(Serving s, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + s.admin() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sighupReloadsRoutesUnderLoadAndRejectsAnInvalidFile() throws Exception {
        int originPort = Proc.freePort();
        Path file = cwd.resolve("h2relay.conf");
        Files.writeString(file, config(originPort, 1, ""));
        Serving s = serve(file);
        try (Proc proxy = s.proc()) {
            assertEquals("1", gen(s));

            Proc load = Proc.start(cwd, List.of(Proc.program("h2load", "nghttp2-client"), "-n", "40000", "-c", "4",
                    "-m", "10", "http://" + s.listener() + "/bytes/128"));
            load.awaitLine(Pattern.compile("progress: 10% done")); // under way
            Files.writeString(file, config(originPort, 2, ""));
            hangUp(proxy);
            proxy.awaitErrLine(RELOADED);
            assertEquals(0, load.await(), load.err());
            assertTrue(load.out().contains("40000 succeeded, 0 failed, 0 errored"), load.out());
            assertEquals("2", gen(s), "the reloaded route answers");
            assertTrue(proxy.alive(), "SIGHUP must not stop the JVM");

            Files.writeString(file, config(originPort, 3, "routes.default.cluster = nowhere\n"));
            hangUp(proxy);
            proxy.awaitErrLine(REJECTED);
            Matcher problem = proxy.awaitErrLine(Pattern.compile(".*  (\\S+h2relay\\.conf:\\d+: .*)"));
            assertTrue(problem.group(1).contains("nowhere"), problem.group(1));
            assertEquals("2", gen(s), "the configuration in force stays");

            String metrics = admin(s, "/metrics").body();
            assertTrue(metrics.contains("h2relay_config_reloads_total{result=\"applied\"} 1.0"), metrics);
            assertTrue(metrics.contains("h2relay_config_reloads_total{result=\"rejected\"} 1.0"), metrics);
            assertEquals(0, proxy.terminate(), proxy.err());
        }
    }

    @Test
    void sigtermFailsReadinessAndLetsEveryInFlightRequestFinish() throws Exception {
        int originPort = Proc.freePort();
        Path file = cwd.resolve("h2relay.conf");
        Files.writeString(file, config(originPort, 1, ""));
        Serving s = serve(file);
        try (Proc proxy = s.proc()) {
            assertEquals(200, admin(s, "/readyz").statusCode());
            List<Proc> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(Proc.start(cwd, List.of(Proc.program("curl", "curl"), "-sS", "--http2-prior-knowledge",
                        "--max-time", "60", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://" + s.listener() + "/delay/3000")));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!admin(s, "/metrics").body().contains("\nh2relay_streams_open 4.0")) {
                assertTrue(System.nanoTime() < deadline, "the four requests never reached the proxy");
                Thread.onSpinWait();
            }

            proxy.signalTerm();
            boolean sawDraining = false;
            while (!sawDraining && proxy.alive()) {
                try {
                    HttpResponse<String> ready = admin(s, "/readyz");
                    sawDraining = ready.statusCode() == 503 && ready.body().startsWith("draining");
                } catch (java.io.IOException e) {
                    break; // the admin listener is gone: the drain is over
                }
            }
            assertTrue(sawDraining, "/readyz must fail while the drain runs");
            for (Proc c : inFlight) {
                assertEquals(0, c.await(), c.err());
                assertEquals("200", c.out().strip(), "an in-flight request completes during the drain");
            }
            assertEquals(0, proxy.await(), proxy.err());
            assertFalse(proxy.err().contains("Exception"), proxy.err());
        }
    }
}
