package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarBodies;
import io.h2relay.app.har.HarJson;
import io.h2relay.app.har.HarRedaction;
import io.h2relay.app.record.HarRecorder;
import io.h2relay.client.ClientConnection;
import io.h2relay.client.H2Client;
import io.h2relay.client.Request;
import io.h2relay.client.RequestBody;
import io.h2relay.client.Response;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.proxy.ExchangeObserver;
import io.h2relay.proxy.ExchangeRecord;
import io.h2relay.proxy.ProxyServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's proof: traffic recorded through the proxy from curl, h2relay's own client and the JDK's HttpClient
 * (HTTP/1.1, and HTTP/2 reached by h2c Upgrade), written as HAR by
 * the recorder, then replayed against the built-in origin and against nghttpd, with the same requests and bodies
 * arriving.
 */
class RecordReplayTest {

    /** Exchanges recorded below: 3 from curl, 2 from h2relay's client, 4 from the JDK's (2 over each version). */
    private static final int RECORDED = 9;

    private static final String JDK_HTTP1_BODY = "hello from the jdk over http/1.1";
    private static final String JDK_H2C_BODY = "hello from the jdk over h2c";

    @TempDir
    Path dir;

    @Test
    void recordsProxiedTrafficAndReplaysItAgainstTheOriginAndNghttpd() throws Exception {
        Path har = dir.resolve("traffic.har");
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        Path binaryFile = Files.write(dir.resolve("binary.bin"), binary);
        try (Origins origin = new Origins()) {
            ProxyConfig config = ConfigLoader.parse("h2relay {\n listeners.main.address = \"127.0.0.1:0\"\n"
                    + " clusters.origin.endpoints = [\"" + origin.h2c() + "\"]\n"
                    + " routes.default { cluster = origin, record = true }\n"
                    + " record { file = \"" + har + "\", max-body-size = 1KiB }\n}\n", "test");
            HarRecorder recorder = HarRecorder.start(config, "test");
            CountDownLatch ended = new CountDownLatch(RECORDED);
            ExchangeObserver counting = new ExchangeObserver() {
                @Override
                public void exchangeEnded(ExchangeRecord record) {
                    recorder.exchangeEnded(record);
                    ended.countDown();
                }

                @Override
                public int captureLimit(String route) {
                    return recorder.captureLimit(route);
                }
            };
            ProxyServer proxy = ProxyServer.start(origin.system, config, List.of(counting)).toCompletableFuture()
                    .get(10, TimeUnit.SECONDS);
            int port = proxy.addresses().get("main").getPort();
            String base = "http://127.0.0.1:" + port;
            curl("-H", "authorization: Bearer secret", "--data-binary", "hello from curl", base + "/echo");
            curl("--data-binary", "@" + binaryFile, "-H", "content-type: application/octet-stream", base + "/echo");
            curl(base + "/status/404");
            try (H2Client client = H2Client.create();
                 ClientConnection c = client.connect(URI.create("h2c://127.0.0.1:" + port)).toCompletableFuture()
                         .get(10, TimeUnit.SECONDS)) {
                for (Request r : List.of(Request.post("/echo", RequestBody.of("hello from the java client")),
                        Request.get("/bytes/2000"))) {
                    Response response = c.send(r).toCompletableFuture().get(10, TimeUnit.SECONDS);
                    response.bytes().toCompletableFuture().get(10, TimeUnit.SECONDS);
                }
            }
            jdk(HttpClient.Version.HTTP_1_1, base, JDK_HTTP1_BODY, "http/1.1");
            // Cleartext HTTP_2: the JDK's first request asks for h2c by Upgrade (a GET, since the proxy upgrades only
            // requests without a body, RFC 7540 §3.2); the POST then goes on the upgraded connection.
            jdk(HttpClient.Version.HTTP_2, base, JDK_H2C_BODY, "h2c");
            assertTrue(ended.await(10, TimeUnit.SECONDS), "the proxy told the recorder about every exchange");
            recorder.close();
            assertEquals(RECORDED, recorder.written());
            assertEquals(0, recorder.dropped());
            proxy.drain(Duration.ofSeconds(1)).toCompletableFuture().get(10, TimeUnit.SECONDS);

            List<Har.Entry> entries = HarJson.read(har).log().entries();
            assertEquals(RECORDED, entries.size());
            Map<String, Integer> recordedStatuses = statuses(entries);
            assertEquals(Map.of("POST /echo 200", 5, "GET /status/404 404", 1, "GET /bytes/2000 200", 1,
                    "GET /bytes/100 200", 2), recordedStatuses);
            List<byte[]> recordedBodies = new ArrayList<>();
            Map<String, Integer> versions = new TreeMap<>();
            for (Har.Entry e : entries) {
                assertNotNull(e.h2relay());
                // HAR's httpVersion as Chromium writes it: "h2" for HTTP/2 (cleartext too), "http/1.1"; how the
                // client reached the proxy is in _h2relay.protocol.
                String version = e.request().httpVersion();
                assertEquals(version, e.response().httpVersion());
                assertEquals(e.h2relay().protocol().equals("http/1.1") ? "http/1.1" : "h2", version);
                versions.merge(e.h2relay().protocol() + " " + e.request().method() + " " + version, 1,
                        Integer::sum);
                if (version.equals("h2")) {
                    assertTrue(e.h2relay().streamId() > 0);
                }
                assertEquals("default", e.h2relay().route());
                assertEquals("COMPLETED", e.h2relay().outcome());
                assertTrue(e.time() >= 0);
                e.request().headers().stream().filter(h -> h.name().equals("authorization"))
                        .forEach(h -> assertEquals(HarRedaction.REDACTED, h.value()));
                if (e.request().postData() != null) {
                    byte[] body = HarBodies.decode(e.request().postData().text(), e.request().postData().encoding());
                    recordedBodies.add(body);
                    Har.Content echoed = e.response().content();
                    assertArrayEquals(body, HarBodies.decode(echoed.text(), echoed.encoding()), "echo recorded");
                }
                if (e.request().url().endsWith("/bytes/2000")) {
                    assertEquals(2000, e.response().content().size());
                    assertTrue(Boolean.TRUE.equals(e.h2relay().responseBodyTruncated()), "1 KiB kept of 2000 bytes");
                }
            }
            // curl and h2relay's client by prior knowledge, the JDK twice over HTTP/1.1 and twice over h2c (the
            // upgraded GET is stream 1 of the HTTP/2 connection).
            assertEquals(Map.of("h2c GET h2", 3, "h2c POST h2", 4, "http/1.1 GET http/1.1", 1,
                    "http/1.1 POST http/1.1", 1), versions);
            assertTrue(entries.stream().anyMatch(e -> e.h2relay().protocol().equals("h2c")
                    && e.request().url().endsWith("/bytes/100") && e.h2relay().streamId() == 1), "upgraded GET");
            for (String body : List.of(JDK_HTTP1_BODY, JDK_H2C_BODY)) {
                assertTrue(recordedBodies.stream().anyMatch(b -> new String(b, StandardCharsets.UTF_8).equals(body)),
                        body);
            }
            assertTrue(entries.stream().anyMatch(e -> e.request().headers().stream()
                    .anyMatch(h -> h.name().equals("authorization"))), "the redacted field is still named");
            assertTrue(recordedBodies.stream().anyMatch(b -> java.util.Arrays.equals(b, binary)),
                    "binary body recorded (as base64)");

            // Replay against the built-in origin: the same requests, the same statuses, the same bodies echoed.
            Path replayed = dir.resolve("replayed.har");
            Run run = Run.of("replay", har.toString(), "--target", origin.h2c(), "--concurrency", "2",
                    "--save-responses", replayed.toString());
            assertEquals(0, run.status(), run.err() + run.out());
            List<Har.Entry> again = HarJson.read(replayed).log().entries();
            assertEquals(recordedStatuses, statuses(again));
            List<byte[]> echoedBack = new ArrayList<>();
            for (Har.Entry e : again) {
                if (e.request().url().equals("/echo")) {
                    echoedBack.add(HarBodies.decode(e.response().content().text(), e.response().content().encoding()));
                }
            }
            assertEquals(sortedStrings(recordedBodies), sortedStrings(echoedBack));
        }

        // Replay against nghttpd: it logs every request and DATA frame it receives.
        Path docroot = Files.createDirectory(dir.resolve("docroot"));
        Files.writeString(docroot.resolve("echo"), "static");
        Nghttpd nghttpd = new Nghttpd(docroot);
        Run run;
        try {
            run = Run.of("replay", har.toString(), "--target", "h2c://127.0.0.1:" + nghttpd.port, "--concurrency",
                    "1");
        } finally {
            nghttpd.close();
        }
        assertEquals(0, run.status(), run.err() + run.out());
        String log = nghttpd.log();
        assertEquals(RECORDED, count(log, Pattern.compile("recv \\(stream_id=\\d+\\) :method: ")), log);
        assertEquals(5, count(log, Pattern.compile("recv \\(stream_id=\\d+\\) :path: /echo\\n")), log);
        long dataBytes = 0;
        Matcher m = Pattern.compile("recv DATA frame <length=(\\d+)").matcher(log);
        while (m.find()) {
            dataBytes += Long.parseLong(m.group(1));
        }
        assertEquals("hello from curl".length() + 256 + "hello from the java client".length()
                + JDK_HTTP1_BODY.length() + JDK_H2C_BODY.length(), dataBytes, log);
    }

    private static int count(String text, Pattern p) {
        Matcher m = p.matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static List<String> sortedStrings(List<byte[]> bodies) {
        return bodies.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).sorted().toList();
    }

    /** "METHOD path status" → count; the path without scheme and authority. */
    private static Map<String, Integer> statuses(List<Har.Entry> entries) {
        Map<String, Integer> out = new TreeMap<>();
        for (Har.Entry e : entries) {
            String url = e.request().url();
            int scheme = url.indexOf("://");
            String path = scheme < 0 ? url : url.substring(url.indexOf('/', scheme + 3));
            out.merge(e.request().method() + " " + path + " " + e.response().status(), 1, Integer::sum);
        }
        return new HashMap<>(out);
    }

    /**
     * The JDK's {@link HttpClient} at the proxy: a GET then a POST with {@code body} on one connection, checking
     * the version it ended up speaking and the echoed body.
     */
    private static void jdk(HttpClient.Version version, String base, String body, String expected)
            throws Exception {
        // Java 17's HttpClient is not AutoCloseable; its connections go when it is collected.
        HttpClient jdk = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(10)).build();
        {
            HttpResponse<byte[]> get = jdk.send(HttpRequest.newBuilder(URI.create(base + "/bytes/100"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, get.statusCode());
            assertEquals(100, get.body().length);
            HttpResponse<String> post = jdk.send(HttpRequest.newBuilder(URI.create(base + "/echo"))
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, post.statusCode());
            assertEquals(body, post.body());
            assertEquals(version, get.version(), expected + " for the GET");
            assertEquals(version, post.version(), expected + " for the POST");
        }
    }

    private static void curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Proc.program("curl", "curl"), "-sS", "--http2-prior-knowledge", "-o",
                "/dev/null", "--max-time", "10"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(15, TimeUnit.SECONDS), "curl hung");
        assertEquals(0, p.exitValue(), "curl " + String.join(" ", args) + ": " + output);
    }
}
