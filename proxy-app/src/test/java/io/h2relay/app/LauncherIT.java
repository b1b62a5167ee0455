package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./h2relay} as a user runs it, from another directory: the built-in origin, the proxy in front of it, curl
 * with HTTP/2 prior knowledge through both, SIGTERM ending each with status 0.
 */
class LauncherIT {

    static final Pattern ORIGIN = Pattern.compile("h2relay: origin listening on (\\S+)");
    static final Pattern LISTENER = Pattern.compile("h2relay: listener (\\S+) listening on (\\S+)");
    static final Pattern READY = Pattern.compile("h2relay: ready; SIGTERM drains for up to (\\S+)");

    @TempDir
    Path cwd;

    static List<String> launcher(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Repo.file("h2relay").toString());
        command.addAll(List.of(args));
        return command;
    }

    /** curl --http2-prior-knowledge, the body discarded: "HTTP-VERSION STATUS BODY-BYTES". */
    static String curl(Path cwd, String url) throws InterruptedException {
        return Proc.run(cwd, Proc.program("curl", "curl"), "-sS", "--http2-prior-knowledge", "--max-time", "30",
                "-o", "/dev/null", "-w", "%{http_version} %{http_code} %{size_download}", url).strip();
    }

    /** curl --http2-prior-knowledge; the (text) body. */
    static String curlBody(Path cwd, String url) throws InterruptedException {
        return Proc.run(cwd, Proc.program("curl", "curl"), "-sS", "--http2-prior-knowledge", "--max-time", "30",
                "--fail", url);
    }

    private static void assertCleanExit(Proc p) throws InterruptedException {
        assertEquals(0, p.terminate(), "exit status after SIGTERM\n" + p.err());
        assertFalse(p.err().contains("Exception"), p.err());
        assertFalse(p.err().contains("ERROR"), p.err());
    }

    @Test
    void serveWithUpstreamFlagsProxiesToTheOriginCommandAndBothStopCleanlyOnSigterm() throws Exception {
        try (Proc origin = Proc.start(cwd, launcher("origin", "--listen", "127.0.0.1:0"))) {
            String originAddress = origin.awaitLine(ORIGIN).group(1);
            try (Proc proxy = Proc.start(cwd, launcher("serve", "--listen", "127.0.0.1:0",
                    "--upstream", "h2c://" + originAddress))) {
                Matcher listener = proxy.awaitLine(LISTENER);
                assertEquals("listen-1", listener.group(1));
                proxy.awaitLine(READY);

                assertEquals("2 200 16", curl(cwd, "http://" + listener.group(2) + "/bytes/16"));
                assertEquals("2 418 0", curl(cwd, "http://" + listener.group(2) + "/status/418"));
                // Straight to the origin as well: it is an HTTP/2 server of its own.
                assertEquals("2 204 0", curl(cwd, "http://" + originAddress + "/status/204"));

                assertCleanExit(proxy);
                assertFalse(proxy.out().contains("origin listening"), "no file: no built-in origin\n" + proxy.out());
            }
            assertCleanExit(origin);
        }
    }

    /** serve --config with the proxy in front of {@code origin}, draining for {@code drain}. */
    private Proc serveInFrontOf(String originAddress, String drain) throws IOException {
        Path conf = cwd.resolve("drain.conf");
        Files.writeString(conf, "h2relay {\n"
                + "  listeners.main.address = \"127.0.0.1:0\"\n"
                + "  clusters.origin.endpoints = [\"h2c://" + originAddress + "\"]\n"
                + "  routes.all.cluster = origin\n"
                + "  timeouts.drain = " + drain + "\n"
                + "}\n");
        return Proc.start(cwd, launcher("serve", "--config", conf.toString()));
    }

    /**
     * nghttp opens /delay/MS and /status/201 on one connection; once the second is answered the first is under
     * way at the proxy (frames on a connection are handled in order), and SIGTERM goes to the proxy.
     */
    private static Proc slowAndFastRequests(Path cwd, String proxyAddress, int delayMillis) throws InterruptedException {
        Proc nghttp = Proc.start(cwd, List.of(Proc.program("nghttp", "nghttp2-client"), "-nv", "--no-dep",
                "http://" + proxyAddress + "/delay/" + delayMillis, "http://" + proxyAddress + "/status/201"));
        nghttp.awaitLine(Pattern.compile(".*recv \\(stream_id=3\\) :status: 201"));
        return nghttp;
    }

    @Test
    void sigtermLetsExchangesUnderWayFinishThenExitsZero() throws Exception {
        try (Proc origin = Proc.start(cwd, launcher("origin", "--listen", "127.0.0.1:0"))) {
            String originAddress = origin.awaitLine(ORIGIN).group(1);
            try (Proc proxy = serveInFrontOf(originAddress, "20s")) {
                String address = proxy.awaitLine(LISTENER).group(2);
                assertEquals("20s", proxy.awaitLine(READY).group(1));
                try (Proc nghttp = slowAndFastRequests(cwd, address, 3000)) {
                    proxy.signalTerm();
                    nghttp.awaitLine(Pattern.compile(".*recv GOAWAY frame .*"));
                    nghttp.awaitLine(Pattern.compile(".*recv \\(stream_id=1\\) :status: 200"));
                    assertEquals(0, nghttp.await(), nghttp.out());
                }
                assertEquals(0, proxy.await(), proxy.err());
                assertTrue(proxy.err().contains("drained"), proxy.err());
            }
            assertCleanExit(origin);
        }
    }

    @Test
    void drainDeadlineCutsExchangesThatRunLongerAndStillExitsZero() throws Exception {
        try (Proc origin = Proc.start(cwd, launcher("origin", "--listen", "127.0.0.1:0"))) {
            String originAddress = origin.awaitLine(ORIGIN).group(1);
            try (Proc proxy = serveInFrontOf(originAddress, "500ms")) {
                String address = proxy.awaitLine(LISTENER).group(2);
                proxy.awaitLine(READY);
                try (Proc nghttp = slowAndFastRequests(cwd, address, 60_000)) {
                    proxy.signalTerm();
                    assertEquals(0, proxy.await(), proxy.err());
                    nghttp.await();
                    assertFalse(nghttp.out().contains("(stream_id=1) :status:"), nghttp.out());
                }
            }
            assertCleanExit(origin);
        }
    }

    @Test
    void serveWithTheDefaultConfigurationShapeAnswersThroughTheBuiltInOrigin() throws Exception {
        // conf/h2relay.conf as it is, with only its ports moved off 8080/8443/8081/9901 (other programs may hold
        // them) and the state directory (where the self-signed certificate is made) in a fresh directory.
        int listen = Proc.freePort();
        int secure = Proc.freePort();
        int origin = Proc.freePort();
        Path state = cwd.resolve("state");
        Path conf = cwd.resolve("h2relay.conf");
        Files.writeString(conf, "include file(\"" + Repo.file("conf/h2relay.conf") + "\")\n"
                + "h2relay.listeners.main.address = \"127.0.0.1:" + listen + "\"\n"
                + "h2relay.listeners.secure.address = \"127.0.0.1:" + secure + "\"\n"
                + "h2relay.state-directory = \"" + state + "\"\n"
                + "h2relay.origin.address = \"127.0.0.1:" + origin + "\"\n"
                + "h2relay.clusters.origin.endpoints = [\"h2c://127.0.0.1:" + origin + "\"]\n"
                + "h2relay.admin.address = \"127.0.0.1:" + Proc.freePort() + "\"\n");
        try (Proc proxy = Proc.start(cwd, launcher("serve", "--config", conf.toString(), "--log-level", "warn"))) {
            assertEquals("127.0.0.1:" + origin, proxy.awaitLine(ORIGIN).group(1));
            Matcher listener = proxy.awaitLine(LISTENER);
            assertEquals("main", listener.group(1));
            assertEquals("secure", proxy.awaitLine(LISTENER).group(1));
            assertEquals("30s", proxy.awaitLine(READY).group(1));
            String headers = curlBody(cwd, "http://127.0.0.1:" + listen + "/headers");
            assertTrue(headers.contains("\"via\": \"2 h2relay\""), headers);
            // The TLS listener on a fresh machine: a self-signed certificate was made, and ALPN gives h2.
            String tls = Proc.run(cwd, Proc.program("curl", "curl"), "-sS", "-k", "--http2", "--max-time", "30",
                    "-o", "/dev/null", "-w", "%{http_version} %{http_code} %{scheme}", "https://127.0.0.1:" + secure + "/");
            assertEquals("2 200 HTTPS", tls.strip());
            assertTrue(Files.isRegularFile(state.resolve("self-signed-cert.pem")), "certificate kept in " + state);
            assertCleanExit(proxy);
        }
    }

    @Test
    void portInUseFailsWithStatus1NamingTheCause() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            String address = "127.0.0.1:" + taken.getLocalPort();
            try (Proc proxy = Proc.start(cwd, launcher("serve", "--listen", address,
                    "--upstream", "h2c://127.0.0.1:9"))) {
                assertEquals(1, proxy.await(), proxy.err());
                // The last line is the command's own; Pekko's bind failure is logged above it.
                List<String> lines = proxy.err().lines().toList();
                assertEquals("h2relay serve: cannot start the proxy: [/" + address + "] Address already in use",
                        lines.get(lines.size() - 1), proxy.err());
            }
        }
    }

    @Test
    void configurationErrorsExitWithStatus2BeforeAnythingStarts() throws Exception {
        try (Proc proxy = Proc.start(cwd, launcher("serve", "--upstream", "h2c://127.0.0.1:0"))) {
            assertEquals(2, proxy.await());
            assertEquals("command line --upstream: h2relay.clusters.upstream.endpoints[0]: '127.0.0.1:0': port 0 out of "
                    + "range 1..65535\n", proxy.err());
            assertEquals("", proxy.out());
        }
    }

    @Test
    void launcherFindsItsCheckoutThroughASymlink() throws IOException, InterruptedException {
        Path link = cwd.resolve("bin/h2relay");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Repo.file("h2relay"));
        String out = Proc.run(cwd, link.toString(), "check-config");
        Files.delete(link); // JUnit warns about links leading out of its directory
        assertTrue(out.contains("valid configuration from file " + Repo.home().resolve("conf/h2relay.conf")), out);
    }
}
