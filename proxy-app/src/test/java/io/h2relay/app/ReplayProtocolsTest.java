package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarJson;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The target's scheme picks the protocol: the Firefox export replayed at nginx (Debian nginx-light) over HTTP/1.1
 * ({@code http://}), HTTP/1.1 asking for h2c by Upgrade (nginx does not upgrade, so it stays HTTP/1.1) and HTTP/2
 * with prior knowledge ({@code h2c://}), with the same answers each time.
 */
class ReplayProtocolsTest {

    @TempDir
    static Path dir;

    static Process nginx;
    static int http1;
    static int h2c;

    @BeforeAll
    static void startNginx() throws Exception {
        String program = Proc.program("nginx", "nginx-light");
        Path www = Files.createDirectories(dir.resolve("www"));
        Files.writeString(www.resolve("headers"), "static headers\n");
        Files.createDirectories(www.resolve("bytes"));
        Files.write(www.resolve("bytes/100"), new byte[100]);
        http1 = Proc.freePort();
        h2c = Proc.freePort();
        String d = dir.toString();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    server {
                        listen 127.0.0.1:%2$d;
                        listen 127.0.0.1:%3$d http2;
                        root %1$s/www;
                    }
                }
                """.formatted(d, http1, h2c));
        nginx = new ProcessBuilder(program, "-p", d, "-e", d + "/error.log", "-c", conf.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!accepts(http1) || !accepts(h2c)) {
            if (!nginx.isAlive() || System.nanoTime() > deadline) {
                fail("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
            }
            // nginx's start-up has no event to wait on: probe again shortly.
            nginx.waitFor(20, TimeUnit.MILLISECONDS);
        }
    }

    @AfterAll
    static void stopNginx() throws InterruptedException {
        if (nginx != null) {
            nginx.destroy();
            if (!nginx.waitFor(5, TimeUnit.SECONDS)) {
                nginx.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private List<Har.Entry> replay(String target, String... extra) throws Exception {
        Path har = dir.resolve("firefox.har");
        try (InputStream in = getClass().getResourceAsStream("/har/firefox.har")) {
            Files.copy(in, har, StandardCopyOption.REPLACE_EXISTING);
        }
        Path saved = Files.createTempFile(dir, "replayed", ".har");
        List<String> args = new java.util.ArrayList<>(List.of("replay", har.toString(), "--target", target,
                "--concurrency", "1", "--save-responses", saved.toString()));
        args.addAll(List.of(extra));
        Run run = Run.of(args.toArray(new String[0]));
        assertEquals(0, run.status(), run.err() + run.out());
        // GET /headers and /bytes/100 are files; there is no /echo.
        assertTrue(run.out().contains("status       200: 2, 404: 1"), run.out());
        assertTrue(run.out().contains("errors       none"), run.out());
        return HarJson.read(saved).log().entries();
    }

    @Test
    void httpTargetReplaysOverHttp11() throws Exception {
        for (Har.Entry e : replay("http://127.0.0.1:" + http1)) {
            assertEquals("http/1.1", e.response().httpVersion());
        }
    }

    @Test
    void h2cUpgradeTargetFallsBackToHttp11WhenTheServerDoesNotUpgrade() throws Exception {
        for (Har.Entry e : replay("http://127.0.0.1:" + http1, "--h2c-upgrade")) {
            assertEquals("http/1.1", e.response().httpVersion());
        }
    }

    @Test
    void h2cTargetReplaysOverHttp2() throws Exception {
        List<Har.Entry> entries = replay("h2c://127.0.0.1:" + h2c);
        for (Har.Entry e : entries) {
            assertEquals("h2", e.response().httpVersion());
            assertTrue(e.h2relay().streamId() > 0);
        }
        assertEquals(100, entries.stream().filter(e -> e.request().url().equals("/bytes/100")).findFirst()
                .orElseThrow().response().content().size());
    }
}
