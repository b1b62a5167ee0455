package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.hpack.Header;
import io.h2relay.origin.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTP/1.1 backends behind the proxy: nginx (fixed bodies, a large file, request fields echoed through
 * {@code return}) and the JDK's HttpServer (streaming echo with chunked responses), with HTTP/2 clients in front.
 */
class Http1PeersTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final int LARGE = 20 << 20;
    private static byte[] file;
    private static Http1Backends backends;
    private static ProxyServer proxy;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        file = new byte[LARGE];
        new Random(7).nextBytes(file);
        backends = new Http1Backends(KIT, dir, file, """
                        location = /fields { return 200 "$request_method $request_uri host=$http_host cookie=$http_cookie te=$http_te\\n"; }
                """, "clusters.nginx.max-connections-per-endpoint = 4\n");
        proxy = backends.proxy;
    }

    @AfterAll
    static void stop() throws Exception {
        backends.close();
        KIT.shutdownTestKit();
    }

    private static String sha256(byte[] b) {
        return Tools.sha256(b);
    }

    @Test
    void curlGetsNginxsFixedBody() throws Exception {
        Tools.Result r = ProxyFixture.curlOk("-i", base(proxy) + "/fixed");
        assertTrue(r.out().startsWith("HTTP/2 200"), r.out());
        assertTrue(r.out().endsWith("fixed body\n"), r.out());
        assertTrue(r.out().toLowerCase().contains("via: 1.1 "), r.out());
    }

    @Test
    void nginxSeesHostAndJoinedCookiesButNoTe() throws Exception {
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            H2TestClient.Response r = client.response(client.request(H2TestClient.get("app.test:8080", "/fields?x=1",
                    Header.of("cookie", "a=1"), Header.of("cookie", "b=2"), Header.of("te", "trailers")), true));
            assertEquals("GET /fields?x=1 host=app.test:8080 cookie=a=1; b=2 te=\n",
                    new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aLargeFileFromNginxArrivesByteExact() throws Exception {
        Tools.Result r = ProxyFixture.curlOk(base(proxy) + "/nginx/large.bin");
        assertEquals(sha256(file), sha256(r.stdout()));
    }

    @Test
    void aLargeUploadIsEchoedByteExactByTheJdkServer() throws Exception {
        byte[] upload = new byte[LARGE];
        new Random(11).nextBytes(upload);
        try (H2TestClient client = new H2TestClient(proxy.address("main"))) {
            int id = client.request(H2TestClient.post("x", "/echo"), false);
            client.send(id, upload, true);
            H2TestClient.Response r = client.response(id);
            assertEquals("200", r.status());
            assertEquals(sha256(upload), sha256(r.body()));
        }
    }

    @Test
    void curlUploadsAFileWithContentLengthAndGetsItBack() throws Exception {
        Path source = Tools.patternFile(dir, 3 << 20);
        Tools.Result r = ProxyFixture.curlOk("--data-binary", "@" + source, base(proxy) + "/echo");
        assertEquals(Tools.patternSha256(3 << 20), sha256(r.stdout()));
    }

    @Test
    void manyConcurrentStreamsShareTheBoundedHttp1Pool() throws Exception {
        Tools.Result r = Tools.run(60, "h2load", "-n", "400", "-c", "2", "-m", "20", base(proxy) + "/fixed");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("400 succeeded, 0 failed, 0 errored"), r.out());
        assertTrue(proxy.metrics().upstreamConnections() <= 4 + 1, "nginx cluster holds at most 4 connections, "
                + "the jdk cluster 1: " + proxy.metrics().upstreamConnections());
    }

    @Test
    void aClientThatStopsReadingStopsReadingFromNginxAtTheWindow() throws Exception {
        int window = 256 * 1024;
        ProxyServer slow = ProxyFixture.proxy(KIT, """
                clusters.nginx.endpoints = ["http://127.0.0.1:%d"]
                routes.default.cluster = nginx
                flow-control { stream-window = %d, connection-window = %d }
                """.formatted(backends.nginx.port, window, 2 * window));
        try (H2TestClient client = new H2TestClient(slow.address("main"))) {
            client.autoAcknowledge(false);
            int id = client.request(H2TestClient.get("x", "/nginx/large.bin"), true);
            ProxyMetrics m = slow.metrics();
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (m.bufferedBytes() < window && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            // Reading stops once a window is unacknowledged; the read that crossed it is the only overshoot.
            long bound = window + 256 * 1024;
            long held = m.bufferedBytes();
            assertTrue(held >= window && held <= bound, "held while the client reads nothing: " + held);
            client.autoAcknowledge(true);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (body.size() < 65_535) { // what arrived unacknowledged: acknowledge it to reopen the windows
                io.h2relay.engine.Event.DataReceived d = client.await(io.h2relay.engine.Event.DataReceived.class,
                        e -> e.streamId() == id);
                byte[] bytes = new byte[d.data().remaining()];
                d.data().duplicate().get(bytes);
                body.write(bytes);
                client.acknowledge(d.flowControlledLength(), id);
            }
            body.write(client.response(id).body());
            assertEquals(sha256(file), sha256(body.toByteArray()));
            assertTrue(m.peakStreamBufferedBytes() <= bound, "stream peak " + m.peakStreamBufferedBytes());
        } finally {
            ProxyFixture.stop(slow);
        }
    }

    @Test
    void theCommandLineUpstreamFlagTakesAnHttp1Url() throws Exception {
        io.h2relay.config.ProxyConfig config = io.h2relay.config.ConfigLoader.fromCommandLine(
                new io.h2relay.config.CommandLineOverrides(java.util.List.of("127.0.0.1:0"),
                        java.util.List.of("http://127.0.0.1:" + backends.nginx.port)));
        ProxyServer cli = ProxyServer.start(KIT.system(), config).toCompletableFuture()
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        try {
            int port = cli.addresses().values().iterator().next().getPort();
            Tools.Result r = ProxyFixture.curlOk("http://127.0.0.1:" + port + "/fixed");
            assertEquals("fixed body\n", r.out());
        } finally {
            ProxyFixture.stop(cli);
        }
    }
}
