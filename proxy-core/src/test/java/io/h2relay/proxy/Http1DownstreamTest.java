package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.curl11Ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.origin.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/1.1 clients through the proxy to the built-in (h2c) origin: curl, raw sockets. */
class Http1DownstreamTest {

    @RegisterExtension
    static final OriginKit ORIGIN = OriginKit.withProxy();
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        base = ProxyFixture.base(ORIGIN.proxy());
    }

    @Test
    void servesAnHttp11Request() throws Exception {
        assertEquals("h2relay origin\n", curl11Ok(base + "/").out());
    }

    @Test
    void keepsTheConnectionAliveForSeveralUrls() throws Exception {
        Tools.Result r = curl11Ok("-w", "connects=%{num_connects} status=%{http_code}\\n", "-o", "/dev/null",
                "-o", "/dev/null", "-o", "/dev/null", base + "/", base + "/bytes/100000", base + "/status/204");
        assertEquals("connects=1 status=200\nconnects=0 status=200\nconnects=0 status=204\n", r.out());
    }

    @Test
    void uploadsWithContentLengthArriveByteExact(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 4L << 20);
        Tools.Result r = curl11Ok("--data-binary", "@" + file, base + "/echo");
        assertEquals(Tools.sha256(Files.readAllBytes(file)), Tools.sha256(r.stdout()));
    }

    @Test
    void chunkedUploadsArriveByteExact(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 3L << 20);
        Tools.Result r = curl11Ok("-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file, base + "/sha256");
        assertEquals((3L << 20) + " " + Tools.sha256(Files.readAllBytes(file)), r.out().trim());
    }

    @Test
    void relaysTheBackendsContinueAsHttp11Continue(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 200_000);
        Tools.Result r = curl11Ok("-v", "-H", "Expect: 100-continue", "--data-binary", "@" + file, base + "/echo");
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
        try (Socket s = new Socket("127.0.0.1", ORIGIN.proxy().address("main").getPort())) {
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

    @Test
    void jdkHttpClientSpeaksHttp11() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> get = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_1_1, get.version());
        assertEquals("h2relay origin\n", get.body());
        HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("ping")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals("ping", post.body());
    }

    @Test
    void jdkHttpClientUpgradesToH2cOverCleartext() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
        HttpResponse<String> first = client.send(HttpRequest.newBuilder(URI.create(base + "/headers")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, first.version(), "the Upgrade was not taken");
        assertTrue(first.body().contains("\"via\": \"2 h2relay\""), first.body());
        HttpResponse<String> second = client.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("over h2")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(HttpClient.Version.HTTP_2, second.version());
        assertEquals("over h2", second.body());
    }

    @Test
    void relaysRequestAndResponseTrailersInChunkedBodies() throws Exception {
        String answer = exchange("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
                + "TE: trailers\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\nx-checksum: 42\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        assertTrue(answer.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked\r\n"), answer);
        assertTrue(answer.endsWith("\r\n5\r\nhello\r\n0\r\nx-checksum: 42\r\n\r\n"), answer);
    }

    @Test
    void answersHttp10WithACloseDelimitedBody() throws Exception {
        String answer = exchange("POST /echo HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
        String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
        assertTrue(head.startsWith("http/1.1 200 ok"), answer);
        assertFalse(head.contains("transfer-encoding"), answer);
        assertFalse(head.contains("content-length"), answer);
        assertTrue(head.contains("connection: close"), answer);
        assertTrue(answer.endsWith("\r\n\r\nhello"), answer);
    }

    @Test
    void mapsHostToAuthorityAndDropsConnectionSpecificFields() throws Exception {
        String answer = exchange("GET /headers HTTP/1.1\r\nHost: example.test\r\nConnection: close, x-hop\r\n"
                + "X-Hop: 1\r\nKeep-Alive: timeout=5\r\nTE: trailers, deflate\r\nUpgrade: foo/2\r\n"
                + "X-Kept: yes\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
        String json = answer.substring(answer.indexOf("\r\n\r\n"));
        assertTrue(json.contains("\":authority\": \"example.test\""), json);
        assertTrue(json.contains("\":scheme\": \"http\""), json);
        assertTrue(json.contains("\"te\": \"trailers\""), json);
        assertTrue(json.contains("\"x-kept\": \"yes\""), json);
        assertTrue(json.contains("\"via\": \"1.1 h2relay\""), json);
        for (String gone : new String[] {"\"host\"", "x-hop", "keep-alive", "upgrade", "\"connection\""}) {
            assertFalse(json.contains(gone), gone + " was forwarded: " + json);
        }
    }

    @Test
    void absoluteFormTargetWinsOverHost() throws Exception {
        String answer = exchange("GET http://target.test/headers?q=1 HTTP/1.1\r\nHost: other.test\r\n"
                + "Connection: close\r\n\r\n");
        assertTrue(answer.contains("\":authority\": \"target.test\""), answer);
        assertTrue(answer.contains("\":path\": \"/headers?q=1\""), answer);
    }

    /** Writes {@code request} on a fresh connection and reads until the proxy closes it. */
    static String exchange(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ORIGIN.proxy().address("main").getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void pipelinedInputBeyondTheHeldLimitIsReadOnAndAnsweredInOrder() throws Exception {
        int n = 120;
        String pad = "p".repeat(1000); // 120 requests of ~1 KiB: past the 64 KiB the codec holds, so reading pauses
        StringBuilder all = new StringBuilder();
        for (int i = 1; i <= n; i++) {
            all.append("GET /bytes/").append(i).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: ").append(pad)
                    .append(i == n ? "\r\nConnection: close" : "").append("\r\n\r\n");
        }
        try (Socket s = new Socket("127.0.0.1", ORIGIN.proxy().address("main").getPort())) {
            s.setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the read side reports what arrived
                }
            });
            writer.start();
            String answers = new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
            writer.join();
            int at = 0;
            for (int i = 1; i <= n; i++) {
                at = answers.indexOf("HTTP/1.1 200 OK\r\n", at);
                assertTrue(at >= 0, "answer " + i + " missing");
                int length = answers.indexOf("content-length: " + i + "\r\n", at);
                int nextAnswer = answers.indexOf("HTTP/1.1 200 OK\r\n", at + 1);
                assertTrue(length > at && (nextAnswer < 0 || length < nextAnswer), "answer " + i + " out of order");
                at = length;
            }
        }
    }

    @Test
    void http10KeepAliveAndAMissingHostAreServed() throws Exception {
        try (Socket s = new Socket("127.0.0.1", ORIGIN.proxy().address("main").getPort())) {
            s.setSoTimeout(20_000);
            s.getOutputStream().write(("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String first = Http1EdgesTest.readResponse(s.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 200 OK\r\n"), first);
            assertTrue(first.contains("\r\nConnection: keep-alive\r\n"), first);
            assertTrue(first.endsWith("h2relay origin\n"), first);
            s.getOutputStream().write(("GET /status/201 HTTP/1.0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String second = new String(readAll(s.getInputStream()), StandardCharsets.ISO_8859_1);
            assertTrue(second.startsWith("HTTP/1.1 201 Created\r\n"), second);
        }
    }

    static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
