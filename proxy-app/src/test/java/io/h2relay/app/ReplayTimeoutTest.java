package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarJson;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.frame.ErrorCode;
import io.h2relay.proxy.ExchangeObserver;
import io.h2relay.proxy.ExchangeRecord;
import io.h2relay.proxy.ProxyServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --timeout}: a request the target does not answer in time (the origin's {@code /delay/5000}) is counted as
 * a {@code timeout} error and cancelled on the wire: RST_STREAM CANCEL on HTTP/2, which the proxy in front of the
 * origin records, and the connection closed on HTTP/1.1 (so the next request does not queue behind the stalled one).
 */
class ReplayTimeoutTest {

    @TempDir
    static Path dir;

    static Origins origin;
    static ProxyServer proxy;
    static final BlockingQueue<ExchangeRecord> ended = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        origin = new Origins();
        ProxyConfig config = ConfigLoader.parse("h2relay {\n listeners.main.address = \"127.0.0.1:0\"\n"
                + " clusters.origin.endpoints = [\"" + origin.h2c() + "\"]\n"
                + " routes.default.cluster = origin\n}\n", "test");
        ExchangeObserver observer = new ExchangeObserver() {
            @Override
            public void exchangeEnded(ExchangeRecord record) {
                ended.add(record);
            }
        };
        proxy = ProxyServer.start(origin.system, config, List.of(observer)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS);
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

    /** Replays a stalled GET then a quick one, one at a time, with a short timeout. */
    private Run replay(String scheme) throws Exception {
        return replayAt(scheme + "://127.0.0.1:" + proxy.address("main").getPort());
    }

    private Run replayAt(String target) throws Exception {
        ended.clear();
        List<Har.Entry> entries = new ArrayList<>();
        for (String path : List.of("/delay/5000", "/bytes/10")) {
            entries.add(new Har.Entry(null, null, null, new Har.Request("GET", "http://origin" + path, "h2", null,
                    List.of(), null, null, null, null, null), null, null, null, null, null, null));
        }
        Path har = Files.createTempFile(dir, "stall", ".har");
        HarJson.write(new Har.File(new Har.Log("1.2", new Har.Creator("test", "1", null), null, null, entries,
                null)), har);
        Run run = Run.of("replay", har.toString(), "--target", target, "--concurrency", "1", "--timeout", "300ms");
        assertEquals(0, run.status(), run.err() + run.out());
        assertTrue(run.out().contains("requests     2 "), run.out());
        assertTrue(run.out().contains("status       200: 1"), run.out());
        assertTrue(run.out().contains("errors       timeout: 1"), run.out());
        assertTrue(run.err().contains("replay: first timeout error: "), run.err());
        return run;
    }

    /** The proxy's record of the stalled exchange, which ends when the replayer gives up on it. */
    private static ExchangeRecord stalled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ExchangeRecord r;
        while ((r = ended.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) != null) {
            if ("/delay/5000".equals(r.requestField(":path"))) {
                return r;
            }
        }
        return null;
    }

    @Test
    void timedOutHttp2RequestIsResetWithCancel() throws Exception {
        replay("h2c");
        ExchangeRecord r = stalled();
        assertNotNull(r, "the proxy recorded the stalled exchange ending");
        assertEquals(ExchangeRecord.Outcome.CLIENT_RESET, r.outcome(), r.toString());
        assertEquals(ErrorCode.CANCEL.code(), r.resetCode(), r.toString());
    }

    /**
     * Over HTTP/1.1 the target is a socket in this test that never answers {@code /delay/5000}: the replayer must
     * close that connection (HTTP/1.1 cannot abandon one response and go on, RFC 9112 §9.3.2), which the socket sees
     * as end of stream, and send the next request on a new connection, where it is answered. (The proxy is not used
     * here: its HTTP/1.1 side notices a client's close only once the response is written.)
     */
    @Test
    void timedOutHttp11RequestClosesItsConnection() throws Exception {
        CountDownLatch stalledClosed = new CountDownLatch(1);
        AtomicInteger connections = new AtomicInteger();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        connections.incrementAndGet();
                        Thread t = new Thread(() -> serve(s, stalledClosed), "http1-target");
                        t.setDaemon(true);
                        t.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            }, "http1-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
            replayAt("http://127.0.0.1:" + server.getLocalPort());
            assertTrue(stalledClosed.await(10, TimeUnit.SECONDS), "the stalled request's connection was closed");
            assertEquals(2, connections.get(), "the request after the timeout went on a new connection");
        }
    }

    /** Reads one request head; answers {@code /bytes/10}, holds {@code /delay/...} until the client closes. */
    private static void serve(Socket s, CountDownLatch stalledClosed) {
        try (s) {
            InputStream in = s.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                head.append((char) b);
            }
            if (head.toString().startsWith("GET /delay/")) {
                if (in.read() < 0) {
                    stalledClosed.countDown();
                }
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n0123456789".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            in.read(); // until the client closes
        } catch (IOException e) {
            // The client went away.
        }
    }
}
