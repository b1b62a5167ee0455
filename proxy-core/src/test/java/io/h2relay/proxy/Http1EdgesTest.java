package io.h2relay.proxy;

import static io.h2relay.proxy.ProxyFixture.base;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import io.h2relay.origin.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/1.1 clients at the edges: failures, limits on buffering, timers, protocol selection and upgrades declined. */
class Http1EdgesTest {

    @RegisterExtension
    static final OriginKit ORIGIN = new OriginKit();
    private static final ActorTestKit KIT = ORIGIN.kit();

    private static final String GET = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    @Test
    void aBackendResetMidResponseCutsTheClientConnection() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend((conn, e) -> {
            if (e instanceof Event.StreamEnded s) {
                conn.engine.sendHeaders(s.streamId(), List.of(Header.of(":status", "200")), false);
                conn.engine.sendData(s.streamId(), ByteBuffer.wrap("partial".getBytes(StandardCharsets.US_ASCII)),
                        false);
                conn.flush();
                conn.engine.resetStream(s.streamId(), ErrorCode.INTERNAL_ERROR.code());
            }
        })) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (Socket s = connect(proxy, "main")) {
                s.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                String got = readUntilClosed(s.getInputStream());
                assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n"), got);
                assertTrue(got.toLowerCase().contains("transfer-encoding: chunked"), got);
                assertFalse(got.endsWith("0\r\n\r\n"), "the truncated response must not look complete: " + got);
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void anUnreachableBackendIs502AndTheConnectionStaysUsable() throws Exception {
        ProxyServer proxy = ProxyFixture.proxy(KIT, "clusters.b.endpoints = [\"h2c://127.0.0.1:"
                + ProxyFixture.deadPort() + "\"]\nroutes.default.cluster = b\n");
        try (Socket s = connect(proxy, "main")) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(GET.getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(in).startsWith("HTTP/1.1 502 Bad Gateway\r\n"));
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String second = readUntilClosed(in);
            assertTrue(second.startsWith("HTTP/1.1 503 Service Unavailable\r\n"), "in back-off now: " + second);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anUploadToASlowBackendBuffersAtMostAWindowAndARead(@TempDir Path dir) throws Exception {
        int window = 256 * 1024;
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(),
                "flow-control { stream-window = " + window + ", connection-window = " + 2 * window + " }");
        try {
            long size = 8L << 20;
            Path file = Tools.patternFile(dir, size);
            Tools.Result r = Tools.run(60, "curl", "--http1.1", "-sS", "--max-time", "50", "--data-binary",
                    "@" + file, base(proxy) + "/sha256?rate=" + (8 << 20));
            assertEquals(0, r.exit(), r.stderr());
            assertEquals(size + " " + Tools.patternSha256(size) + "\n", r.out());
            long peak = proxy.metrics().peakStreamBufferedBytes();
            // Reading stops at a window outstanding; the read that crossed it is at most Pekko's 128 KiB buffer.
            assertTrue(peak <= window + 128 * 1024, "stream peak " + peak);
            assertTrue(peak >= window / 2, "the slow backend should have filled the window: " + peak);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosed() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "timeouts.idle = 300ms");
        try (Socket s = connect(proxy, "main")) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
            assertEquals(-1, s.getInputStream().read(), "the idle connection should be closed");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void drainClosesIdleHttp11Connections() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (Socket s = connect(proxy, "main")) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(s.getInputStream()).startsWith("HTTP/1.1 200 OK\r\n"));
            CompletableFuture<Done> drained = proxy.drain(Duration.ofSeconds(10)).toCompletableFuture();
            assertEquals(-1, s.getInputStream().read(), "draining should close the connection");
            s.close();
            drained.get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void drainLetsTheRequestUnderWayFinishWithConnectionClose() throws Exception {
        CompletableFuture<ScriptedBackend.Conn> held = new CompletableFuture<>();
        CompletableFuture<Integer> heldStream = new CompletableFuture<>();
        try (ScriptedBackend backend = new ScriptedBackend((conn, e) -> {
            if (e instanceof Event.StreamEnded s) {
                heldStream.complete(s.streamId()); // answered by the test, once the drain has begun
                held.complete(conn);
            }
        })) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (Socket s = connect(proxy, "main")) {
                s.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
                ScriptedBackend.Conn conn = held.get(20, TimeUnit.SECONDS);
                int port = proxy.address("main").getPort();
                CompletableFuture<Done> drained = proxy.drain(Duration.ofSeconds(10)).toCompletableFuture();
                awaitRefused(port); // the listener handled the drain, so our connection has been told before the answer
                // The serving thread is blocked reading (the proxy sends nothing meanwhile): answering from here is safe.
                conn.answer(heldStream.get(), "finished\n");
                conn.flush();
                String got = readUntilClosed(s.getInputStream());
                assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n"), got);
                assertTrue(got.contains("\r\nConnection: close\r\n"), got);
                assertTrue(got.endsWith("\r\n9\r\nfinished\n\r\n0\r\n\r\n"), got);
                s.close();
                drained.get(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void thePrefaceArrivingInPiecesStillSelectsHttp2() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (Socket s = connect(proxy, "main")) {
            OutputStream out = s.getOutputStream();
            byte[] preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (byte b : preface) {
                out.write(b);
                out.flush();
            }
            out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            byte[] frameHead = s.getInputStream().readNBytes(9);
            assertEquals(4, frameHead[3], "the server's first frame is SETTINGS");
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aListenerWithoutHttp11ClosesOnAnHttp11Request() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "listeners.main.protocols = [h2c]");
        try (Socket s = connect(proxy, "main")) {
            s.getOutputStream().write(GET.getBytes(StandardCharsets.US_ASCII));
            String got = readUntilClosed(s.getInputStream());
            assertFalse(got.contains("HTTP/1.1"), "no HTTP/1.1 answer on an h2c-only listener: " + got);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void h2cUpgradeIsIgnoredWhereTheListenerDoesNotOfferIt() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(),
                "listeners.main.protocols = [h2c, \"http/1.1\"]");
        try {
            Tools.Result r = Tools.run(40, "curl", "--http2", "-sS", "-v", "--max-time", "30", base(proxy) + "/");
            assertEquals(0, r.exit(), r.stderr());
            assertFalse(r.stderr().contains("101 Switching Protocols"), r.stderr());
            assertTrue(r.stderr().contains("< HTTP/1.1 200 OK"), r.stderr());
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anUpgradeRequestWithABodyIsServedAsHttp11() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (Socket s = connect(proxy, "main")) {
            s.getOutputStream().write(("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings,"
                    + " close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\nContent-Length: 4\r\n\r\nbody")
                    .getBytes(StandardCharsets.US_ASCII));
            String got = readUntilClosed(s.getInputStream());
            assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n"), got);
            assertTrue(got.endsWith("body\r\n0\r\n\r\n"), got);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void unknownUpgradesAreIgnoredAndTheRequestServed() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (Socket s = connect(proxy, "main")) {
            s.getOutputStream().write(("GET /headers HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: upgrade, close\r\n"
                    + "Upgrade: foo/1, bar\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String got = readUntilClosed(s.getInputStream());
            assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n"), got);
            assertFalse(got.contains("\"upgrade\""), got);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void anInvalidHttp2SettingsDeclinesTheUpgrade() throws Exception {
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (Socket s = connect(proxy, "main")) {
            // ENABLE_PUSH = 2 is not a valid setting (RFC 9113 §6.5.2): no 101, an HTTP/1.1 answer.
            s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings,"
                    + " close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAIAAAAC\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String got = readUntilClosed(s.getInputStream());
            assertTrue(got.startsWith("HTTP/1.1 200 OK\r\n"), got);
            assertTrue(got.endsWith("h2relay origin\n"), got);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    @Test
    void aWebsocketHandshakeTheBackendCannotTakeGetsAnOrdinaryAnswer() throws Exception {
        // The built-in origin does not offer RFC 8441 extended CONNECT: the handshake is answered, not tunnelled.
        ProxyServer proxy = ProxyFixture.proxyTo(KIT, ORIGIN.address(), "");
        try (Socket s = connect(proxy, "main")) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String refused = readResponse(in);
            assertFalse(refused.startsWith("HTTP/1.1 101"), refused);
            assertTrue(refused.startsWith("HTTP/1.1 "), refused);
            out.write(("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String next = readUntilClosed(in);
            assertTrue(next.startsWith("HTTP/1.1 200 OK\r\n") && next.endsWith("h2relay origin\n"), next);
        } finally {
            ProxyFixture.stop(proxy);
        }
    }

    /** Returns once connections to {@code port} are refused (the listener unbinds in its drain handler). */
    static void awaitRefused(int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket("127.0.0.1", port)) {
                Thread.onSpinWait();
            } catch (ConnectException refused) {
                return;
            }
        }
        throw new AssertionError("the listener on " + port + " still accepts");
    }

    static Socket connect(ProxyServer proxy, String listener) throws IOException {
        Socket s = new Socket("127.0.0.1", proxy.address(listener).getPort());
        s.setSoTimeout(20_000);
        return s;
    }

    /** Everything until the peer closes (or resets) the connection. */
    static String readUntilClosed(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (IOException reset) {
            // a reset ends the stream as well
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    /** One response with a Content-Length body. */
    static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed inside a head: " + head);
            }
            head.append((char) c);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.ISO_8859_1);
    }
}
