package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.origin.OriginServer;
import io.h2relay.origin.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/1.1 clients through the proxy to the built-in (h2c) origin: curl, raw sockets. */
class Http1DownstreamTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static OriginServer origin;
    private static ProxyServer proxy;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        origin = ProxyFixture.origin(KIT);
        proxy = ProxyFixture.proxyTo(KIT, origin.address(), "");
        base = ProxyFixture.base(proxy);
    }

    @AfterAll
    static void stop() throws Exception {
        ProxyFixture.stop(proxy);
        origin.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        KIT.shutdownTestKit();
    }

    static Tools.Result curl11(String... args) throws Exception {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "curl";
        cmd[1] = "--http1.1";
        cmd[2] = "-sS";
        cmd[3] = "--max-time";
        cmd[4] = "30";
        System.arraycopy(args, 0, cmd, 5, args.length);
        Tools.Result r = Tools.run(40, cmd);
        assertEquals(0, r.exit(), "curl failed: " + r.stderr());
        return r;
    }

    @Test
    void servesAnHttp11Request() throws Exception {
        assertEquals("h2relay origin\n", curl11(base + "/").out());
    }

    @Test
    void keepsTheConnectionAliveForSeveralUrls() throws Exception {
        Tools.Result r = curl11("-w", "connects=%{num_connects} status=%{http_code}\\n", "-o", "/dev/null",
                "-o", "/dev/null", "-o", "/dev/null", base + "/", base + "/bytes/100000", base + "/status/204");
        assertEquals("connects=1 status=200\nconnects=0 status=200\nconnects=0 status=204\n", r.out());
    }

    @Test
    void uploadsWithContentLengthArriveByteExact(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 4L << 20);
        Tools.Result r = curl11("--data-binary", "@" + file, base + "/echo");
        assertEquals(Tools.sha256(Files.readAllBytes(file)), Tools.sha256(r.stdout()));
    }

    @Test
    void chunkedUploadsArriveByteExact(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 3L << 20);
        Tools.Result r = curl11("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, base + "/sha256");
        assertEquals((3L << 20) + " " + Tools.sha256(Files.readAllBytes(file)), r.out().trim());
    }

    @Test
    void relaysTheBackendsContinueAsHttp11Continue(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 200_000);
        Tools.Result r = curl11("-v", "-H", "Expect: 100-continue", "--data-binary", "@" + file, base + "/echo");
        assertTrue(r.stderr().contains("< HTTP/1.1 100 Continue"), r.stderr());
        assertEquals(Tools.sha256(Files.readAllBytes(file)), Tools.sha256(r.stdout()));
    }

    @Test
    void upgradesToH2cForCurlHttp2() throws Exception {
        Tools.Result r = Tools.run(40, "curl", "--http2", "-sS", "-v", "--max-time", "30", base + "/headers");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.stderr().contains("< HTTP/1.1 101 Switching Protocols"), r.stderr());
        assertTrue(r.stderr().contains("< HTTP/2 200"), r.stderr());
        assertTrue(r.out().contains("\":authority\": \"127.0.0.1:"), r.out());
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        try (Socket s = new Socket("127.0.0.1", proxy.address("main").getPort())) {
            String host = "Host: 127.0.0.1\r\n";
            String three = "GET /bytes/3000 HTTP/1.1\r\n" + host + "\r\n"
                    + "GET /status/201 HTTP/1.1\r\n" + host + "\r\n"
                    + "GET / HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
            s.getOutputStream().write(three.getBytes(StandardCharsets.US_ASCII));
            String all = new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
            int a = all.indexOf("HTTP/1.1 200");
            int b = all.indexOf("HTTP/1.1 201");
            int c = all.indexOf("h2relay origin\n");
            assertTrue(a == 0 && a < b && b < c, all);
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
