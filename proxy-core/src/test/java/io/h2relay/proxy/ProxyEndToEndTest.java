package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.curlOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.origin.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The proxy in front of the built-in origin, over real loopback sockets, with curl, nghttp and h2load. */
class ProxyEndToEndTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static ProxyServer proxy;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        proxy = ProxyFixture.proxy(ORIGIN.kit(), """
                clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                routes {
                  default.cluster = origin
                  api {
                    path-prefix = "/api"
                    rewrite-prefix = "/"
                    cluster = origin
                    request-headers.set { x-route = api }
                    response-headers.add { x-served-by = h2relay }
                  }
                }
                """.formatted(ORIGIN.address().getPort()));
        base = ProxyFixture.base(proxy);
    }

    @AfterAll
    static void stop() throws Exception {
        ProxyFixture.stop(proxy);
    }

    @Test
    void relaysASimpleRequest() throws Exception {
        assertEquals("h2relay origin\n", curlOk(base + "/").out());
    }

    @Test
    void downloadsArriveByteExact() throws Exception {
        long n = 20L << 20;
        Tools.Result r = curlOk(base + "/bytes/" + n);
        assertEquals(n, r.stdout().length);
        assertEquals(Tools.patternSha256(n), Tools.sha256(r.stdout()));
    }

    @Test
    void uploadsArriveByteExactAndEchoBack(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 16L << 20);
        Tools.Result r = curlOk("--data-binary", "@" + file, base + "/echo");
        assertEquals(Tools.sha256(Files.readAllBytes(file)), Tools.sha256(r.stdout()));
    }

    @Test
    void writesForwardingFieldsAndAppliesRouteEdits() throws Exception {
        String json = curlOk("-H", "x-forwarded-for: 6.6.6.6", "-H", "connection: keep-alive",
                base + "/api/headers?x=1").out();
        assertTrue(json.contains("\":path\": \"/headers?x=1\""), json);
        assertTrue(json.contains("\"x-forwarded-for\": \"127.0.0.1\""), json);
        assertTrue(json.contains("\"x-forwarded-proto\": \"http\""), json);
        assertTrue(json.contains("\"forwarded\": \"for=127.0.0.1;proto=http;host="), json);
        assertTrue(json.contains("\"via\": \"2 h2relay\""), json);
        assertTrue(json.contains("\"x-route\": \"api\""), json);
        Tools.Result head = curlOk("-D", "-", "-o", "/dev/null", base + "/api/");
        assertTrue(head.out().contains("x-served-by: h2relay"), head.out());
        assertTrue(head.out().contains("via: 2 h2relay"), head.out());
    }

    @Test
    void relaysTheBackendsContinueBeforeTheBody(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 200_000);
        Tools.Result r = curlOk("-v", "-H", "Expect: 100-continue", "--data-binary", "@" + file, base + "/echo");
        assertTrue(r.stderr().contains("< HTTP/2 100"), r.stderr());
        assertEquals(Tools.sha256(Files.readAllBytes(file)), Tools.sha256(r.stdout()));
    }

    @Test
    void relaysTrailers() throws Exception {
        Tools.Result r = Tools.run(30, "nghttp", "-v", base + "/trailers");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("x-origin-trailer: done"), r.out());
    }

    @Test
    void carriesManyConcurrentStreamsOnOneConnection() throws Exception {
        Tools.Result r = Tools.run(60, "h2load", "-n", "3000", "-c", "2", "-m", "50", base + "/bytes/1024");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("3000 succeeded, 0 failed, 0 errored"), r.out());
    }

    @Test
    void paddedDataIsCreditedSoAPaddedUploadNeverStalls() throws Exception {
        // 4 MiB in 8 KiB DATA frames padded by 255 octets carry 128 KiB of padding, more than the 64 KiB windows: the
        // upload only completes if the proxy credits padding as it arrives (RFC 9113 §6.1).
        ProxyServer small = ProxyFixture.proxy(ORIGIN.kit(), """
                clusters.origin.endpoints = ["h2c://127.0.0.1:%d"]
                routes.default.cluster = origin
                flow-control { stream-window = 65535, connection-window = 65535 }
                """.formatted(ORIGIN.address().getPort()));
        byte[] body = new byte[4 << 20];
        new java.util.Random(7).nextBytes(body);
        try (H2TestClient client = new H2TestClient(small.address("main"))) {
            int id = client.request(H2TestClient.post("x", "/sha256"), false);
            // Without the credit the upload waits for a window forever: a bounded wait turns that into a failure.
            H2TestClient.Response r = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    java.time.Duration.ofSeconds(60), () -> {
                        client.send(id, body, true, 8192, 255);
                        return client.response(id);
                    }, "the padded upload stalled: padding was not credited");
            assertEquals("200", r.status());
            assertEquals(body.length + " " + Tools.sha256(body),
                    new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII).trim());
        } finally {
            ProxyFixture.stop(small);
        }
    }
}
