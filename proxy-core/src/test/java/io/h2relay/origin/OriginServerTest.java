package io.h2relay.origin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in origin over real loopback sockets, with curl, nghttp and h2load as clients. */
class OriginServerTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static OriginServer origin;
    private static String base;

    @BeforeAll
    static void start() throws Exception {
        ProxyConfig defaults = ConfigLoader.defaults();
        origin = OriginServer.start(KIT.system(), new InetSocketAddress("127.0.0.1", 0), defaults.flowControl(),
                defaults.limits()).toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + origin.address().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        origin.stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
        KIT.shutdownTestKit();
    }

    private static Tools.Result curl(String... args) throws Exception {
        String[] cmd = new String[args.length + 5];
        cmd[0] = "curl";
        cmd[1] = "--http2-prior-knowledge";
        cmd[2] = "-sS";
        cmd[3] = "--max-time";
        cmd[4] = "30";
        System.arraycopy(args, 0, cmd, 5, args.length);
        Tools.Result r = Tools.run(40, cmd);
        assertEquals(0, r.exit(), "curl failed: " + r.stderr());
        return r;
    }

    @Test
    void rootAnswersWithAShortText() throws Exception {
        assertEquals("h2relay origin\n", curl(base + "/").out());
    }

    @Test
    void bytesStreamsExactlyTheRequestedPattern() throws Exception {
        long n = 20L << 20;
        Tools.Result r = curl(base + "/bytes/" + n);
        assertEquals(n, r.stdout().length);
        assertEquals(Tools.patternSha256(n), Tools.sha256(r.stdout()));
    }

    @Test
    void echoReturnsTheBodyByteForByte(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 8L << 20);
        Tools.Result r = curl("--data-binary", "@" + file, base + "/echo");
        assertEquals(Tools.sha256(Files.readAllBytes(file)), Tools.sha256(r.stdout()));
    }

    @Test
    void sha256DigestsTheUpload(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 3_000_001);
        Tools.Result r = curl("--data-binary", "@" + file, base + "/sha256");
        assertEquals("3000001 " + Tools.patternSha256(3_000_001) + "\n", r.out());
    }

    @Test
    void statusAnswersTheAskedCode() throws Exception {
        assertEquals("418", curl("-o", "/dev/null", "-w", "%{http_code}", base + "/status/418").out());
        assertEquals("400", curl("-o", "/dev/null", "-w", "%{http_code}", base + "/status/99").out());
        assertEquals("404", curl("-o", "/dev/null", "-w", "%{http_code}", base + "/nowhere").out());
    }

    @Test
    void headersEchoesTheRequestFieldsAsJson() throws Exception {
        String json = curl("-H", "x-probe: hello \"world\"", base + "/headers?q=1").out();
        assertTrue(json.contains("\"x-probe\": \"hello \\\"world\\\"\""), json);
        assertTrue(json.contains("\":path\": \"/headers?q=1\""), json);
    }

    @Test
    void delayAnswersAfterTheTimer() throws Exception {
        assertEquals("delayed 20 ms\n", curl(base + "/delay/20").out());
    }

    @Test
    void expectContinueGetsA100BeforeTheBodyIsRead(@TempDir Path dir) throws Exception {
        Path file = Tools.patternFile(dir, 100_000);
        Tools.Result r = curl("-v", "-H", "Expect: 100-continue", "--data-binary", "@" + file, base + "/echo");
        assertTrue(r.stderr().contains("< HTTP/2 100"), r.stderr());
        assertEquals(Tools.sha256(Files.readAllBytes(file)), Tools.sha256(r.stdout()));
    }

    @Test
    void trailersFollowTheBody() throws Exception {
        Tools.Result r = Tools.run(30, "nghttp", "-v", base + "/trailers");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("x-origin-trailer: done"), r.out());
        assertTrue(r.out().contains("trailers follow"), r.out());
    }

    @Test
    void h2loadCompletesManyConcurrentStreamsOnOneConnection() throws Exception {
        Tools.Result r = Tools.run(60, "h2load", "-n", "2000", "-c", "2", "-m", "20", base + "/bytes/1024");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("2000 succeeded, 0 failed, 0 errored"), r.out());
    }

    @Test
    void pushQueryPromisesEachPathBeforeTheResponse() throws Exception {
        Tools.Result r = Tools.run(30, "nghttp", "-v", base + "/push?push=/bytes/10,/headers");
        assertEquals(0, r.exit(), r.stderr());
        String out = r.out();
        int promise = out.indexOf("recv PUSH_PROMISE frame");
        assertTrue(promise >= 0, out);
        assertTrue(out.contains("promised_stream_id=2)") && out.contains("promised_stream_id=4)"), out);
        assertTrue(out.contains(":path: /bytes/10") && out.contains(":path: /headers"), out);
        assertTrue(promise < out.indexOf(":status: 200"), "promises precede the response: " + out);
        assertTrue(out.contains("\":path\": \"/headers\""), "the pushed /headers answered its promised request");
    }

    @Test
    void pushIsNotPromisedWhenTheClientDisabledIt() throws Exception {
        Tools.Result r = Tools.run(30, "nghttp", "-v", "--no-push", base + "/push?push=/bytes/10");
        assertEquals(0, r.exit(), r.stderr());
        assertTrue(r.out().contains("h2relay origin"), r.out());
        assertTrue(!r.out().contains("PUSH_PROMISE"), r.out());
    }

    @Test
    void compressQuerySendsTheBodyInAnAcceptedCoding() throws Exception {
        long n = 300_000;
        Tools.Result r = curl("--compressed", "-D", "/dev/stderr", base + "/bytes/" + n + "?compress");
        assertTrue(r.stderr().contains("content-encoding: gzip"), r.stderr());
        assertEquals(Tools.patternSha256(n), Tools.sha256(r.stdout()));
        Tools.Result deflated = curl("-H", "accept-encoding: deflate", "-D", "/dev/stderr", base + "/?compress");
        assertTrue(deflated.stderr().contains("content-encoding: deflate"), deflated.stderr());
        java.io.InputStream in = new java.util.zip.InflaterInputStream(
                new java.io.ByteArrayInputStream(deflated.stdout()));
        assertEquals("h2relay origin\n", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        Tools.Result plain = curl("-D", "/dev/stderr", base + "/?compress");
        assertTrue(!plain.stderr().contains("content-encoding"), "no accept-encoding, no coding: " + plain.stderr());
        assertEquals("h2relay origin\n", plain.out());
    }
}
