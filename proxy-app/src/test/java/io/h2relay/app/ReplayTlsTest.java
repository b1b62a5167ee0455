package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarJson;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.proxy.ProxyServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay at TLS targets: the Chromium export replayed at the proxy's self-signed TLS listener (in front of the
 * built-in origin) over {@code https://} (ALPN) and {@code h2://}, trusting it with {@code --insecure}; without it
 * the untrusted certificate fails every request, reported by kind, with the reason on standard error.
 */
class ReplayTlsTest {

    @TempDir
    static Path dir;

    static Origins origin;
    static ProxyServer proxy;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        origin = new Origins();
        ProxyConfig config = ConfigLoader.parse("h2relay {\n state-directory = \"" + dir.resolve("state") + "\"\n"
                + " listeners.secure { address = \"127.0.0.1:0\", tls { self-signed = true } }\n"
                + " clusters.origin.endpoints = [\"" + origin.h2c() + "\"]\n"
                + " routes.default.cluster = origin\n}\n", "test");
        proxy = ProxyServer.start(origin.system, config).toCompletableFuture().get(30, TimeUnit.SECONDS);
        port = proxy.address("secure").getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        if (proxy != null) {
            proxy.drain(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (origin != null) {
            origin.close();
        }
    }

    private Run replay(String target, String... extra) throws Exception {
        Path har = dir.resolve("chromium.har");
        try (InputStream in = getClass().getResourceAsStream("/har/chromium.har")) {
            Files.copy(in, har, StandardCopyOption.REPLACE_EXISTING);
        }
        List<String> args = new java.util.ArrayList<>(List.of("replay", har.toString(), "--target", target,
                "--concurrency", "2", "--timeout", "10s"));
        args.addAll(List.of(extra));
        return Run.of(args.toArray(new String[0]));
    }

    private void replaysEveryEntryOverHttp2(String target) throws Exception {
        Path saved = Files.createTempFile(dir, "replayed", ".har");
        Run run = replay(target, "--insecure", "--save-responses", saved.toString());
        assertEquals(0, run.status(), run.err() + run.out());
        assertTrue(run.out().contains("requests     5 "), run.out());
        assertTrue(run.out().contains("status       200: 4, 404: 1"), run.out());
        assertTrue(run.out().contains("errors       none"), run.out());
        List<Har.Entry> entries = HarJson.read(saved).log().entries();
        assertEquals(5, entries.size());
        for (Har.Entry e : entries) {
            assertEquals("h2", e.response().httpVersion(), "ALPN chose h2");
            assertEquals("h2", e.h2relay().protocol());
        }
        assertEquals(3000, entries.stream().filter(e -> e.request().url().equals("/bytes/3000")).findFirst()
                .orElseThrow().response().content().size());
    }

    @Test
    void httpsTargetReplaysWithInsecureTrust() throws Exception {
        replaysEveryEntryOverHttp2("https://127.0.0.1:" + port);
    }

    @Test
    void h2TargetReplaysWithInsecureTrust() throws Exception {
        replaysEveryEntryOverHttp2("h2://127.0.0.1:" + port);
    }

    @Test
    void untrustedCertificateFailsEveryRequestAsATlsError() throws Exception {
        Run run = replay("https://127.0.0.1:" + port);
        assertEquals(0, run.status(), "failed requests are reported, not fatal: " + run.err() + run.out());
        assertTrue(run.out().contains("requests     5 "), run.out());
        assertTrue(run.out().contains("status       none"), run.out());
        assertTrue(run.out().contains("errors       tls: 5"), run.out());
        assertTrue(run.err().contains("replay: first tls error: "), run.err());
        assertTrue(run.err().toLowerCase(java.util.Locale.ROOT).contains("certif"), "names the cause: " + run.err());
    }
}
