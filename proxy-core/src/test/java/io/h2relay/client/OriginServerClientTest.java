package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import io.h2relay.origin.BodyPattern;
import io.h2relay.origin.OriginServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The client library against the built-in origin, a real HTTP/2 server: pushes ({@code ?push=}), content codings
 * ({@code ?compress}) and the default window manager's backpressure.
 */
class OriginServerClientTest {

    private static final ActorTestKit KIT = ActorTestKit.create();
    private static OriginServer origin;
    private static URI uri;

    @BeforeAll
    static void start() throws Exception {
        ProxyConfig defaults = ConfigLoader.defaults();
        origin = await(OriginServer.start(KIT.system(), new InetSocketAddress("127.0.0.1", 0), defaults.flowControl(),
                defaults.limits()));
        uri = URI.create("h2c://127.0.0.1:" + origin.address().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            await(origin.stop());
        } finally {
            KIT.shutdownTestKit();
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = BodyPattern.at(i);
        }
        return b;
    }

    private static H2Client client(ClientConfig.Builder config) {
        return H2Client.create(config.build(), KIT.system());
    }

    @Test
    void pushedResponsesArriveWithTheirPromisedRequestsAndBodies() throws Exception {
        try (H2Client client = client(ClientConfig.builder().enablePush(true));
                ClientConnection c = await(client.connect(uri))) {
            Response r = await(c.send(Request.get("/push?push=/bytes/10,/headers")));
            assertEquals("h2relay origin\n", await(r.text()));
            List<PushPromise> pushes = await(r.allPushes());
            assertEquals(2, pushes.size(), pushes.toString());
            PushPromise bytes = pushes.get(0);
            PushPromise headers = pushes.get(1);
            assertEquals("GET", bytes.method());
            assertEquals("http", bytes.scheme());
            assertEquals("127.0.0.1:" + origin.address().getPort(), bytes.authority());
            assertEquals("/bytes/10", bytes.path());
            assertEquals("/headers", headers.path());
            assertEquals(r.streamId(), bytes.parentStreamId());
            assertEquals(0, bytes.streamId() % 2, "promised streams are even");
            assertArrayEquals(pattern(10), await(await(bytes.response()).bytes()));
            String json = await(await(headers.response()).text());
            assertTrue(json.contains("\":path\": \"/headers\""), json);
            assertTrue(json.contains("\":method\": \"GET\""), json);
        }
    }

    @Test
    void noPushesArriveWhenPushIsDisabled() throws Exception {
        try (H2Client client = client(ClientConfig.builder().enablePush(false));
                ClientConnection c = await(client.connect(uri))) {
            Response r = await(c.send(Request.get("/push?push=/bytes/10")));
            assertEquals("h2relay origin\n", await(r.text()));
            assertTrue(await(r.allPushes()).isEmpty());
        }
    }

    @Test
    void cancellingAPushResetsItAndTheConnectionCarriesOn() throws Exception {
        try (H2Client client = client(ClientConfig.builder().enablePush(true).initialWindowSize(65535));
                ClientConnection c = await(client.connect(uri))) {
            Response r = await(c.send(Request.get("/push?push=/bytes/10000000")));
            assertEquals("h2relay origin\n", await(r.text()));
            PushPromise push = await(r.allPushes()).get(0);
            Response pushed = await(push.response());
            assertTrue(pushed.readChunk().hasRemaining());
            push.cancel();
            IOException failure = assertThrows(IOException.class, () -> {
                while (pushed.readChunk() != null) {
                    // the rest of the window's worth, then the reset
                }
            });
            Throwable cause = failure;
            while (cause != null && !(cause instanceof StreamResetException)) {
                cause = cause.getCause();
            }
            StreamResetException reset = assertInstanceOf(StreamResetException.class, cause, failure.toString());
            assertEquals(0x8, reset.errorCode(), "RST_STREAM CANCEL (RFC 9113 §7)");
            assertFalse(reset.remote(), "we reset it");
            await(c.ping());
            assertTrue(c.isOpen());
            Response again = await(c.send(Request.get("/push?push=/bytes/1000")));
            assertEquals("h2relay origin\n", await(again.text()));
            PushPromise second = await(again.allPushes()).get(0);
            assertTrue(second.streamId() > push.streamId());
            assertArrayEquals(pattern(1000), await(await(second.response()).bytes()));
        }
    }

    @Test
    void gzipDeflateAndBrBodiesAreDecodedTransparently() throws Exception {
        int n = 300_000;
        try (H2Client client = client(ClientConfig.builder()); ClientConnection c = await(client.connect(uri))) {
            for (String coding : List.of("gzip", "deflate", "br")) {
                Response r = await(c.send(Request.get("/bytes/" + n + "?compress=" + coding)));
                assertEquals(coding, r.headers().first("content-encoding"));
                assertArrayEquals(pattern(n), await(r.bytes()), coding);
            }
            Response text = await(c.send(Request.get("/headers?compress")));
            assertEquals("gzip", text.headers().first("content-encoding"), "gzip is preferred");
            assertTrue(await(text.text()).contains("\"accept-encoding\": \"gzip, deflate, br\""));
        }
    }

    @Test
    void codedBodiesComeBackRawWhenAReadTurnsDecodingOff() throws Exception {
        int n = 100_000;
        byte[] expected = pattern(n);
        try (H2Client client = client(ClientConfig.builder()); ClientConnection c = await(client.connect(uri))) {
            byte[] gzip = await(await(c.send(Request.get("/bytes/" + n + "?compress=gzip"))).bytes(false));
            assertEquals(0x1f, gzip[0] & 0xff);
            assertEquals(0x8b, gzip[1] & 0xff);
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip))) {
                assertArrayEquals(expected, in.readAllBytes());
            }
            Response deflateResponse = await(c.send(Request.get("/bytes/" + n + "?compress=deflate")));
            byte[] deflate = deflateResponse.inputStream(false).readAllBytes();
            assertEquals(Long.parseLong(deflateResponse.headers().first("content-length")), deflate.length);
            try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(deflate))) {
                assertArrayEquals(expected, in.readAllBytes());
            }
            byte[] br = await(await(c.send(Request.get("/bytes/" + n + "?compress=br"))).bytes(false));
            Brotli4jLoader.ensureAvailability();
            assertArrayEquals(expected, Decoder.decompress(br).getDecompressedData());
        }
    }

    @Test
    void defaultWindowManagerCreditsOnlyAsTheApplicationReads() throws Exception {
        int window = 65535;
        int n = 2 << 20;
        try (H2Client client = client(ClientConfig.builder().initialWindowSize(window));
                ClientConnection c = await(client.connect(uri))) {
            Response r = await(c.send(Request.get("/bytes/" + n)));
            // The origin queues far more than a window and sends all it may at once; a PING answered after that
            // shows everything it sent before it.
            await(c.ping());
            assertEquals(window, r.unreadBytes(), "one window's worth, not credited since nothing was read");
            await(c.ping());
            assertEquals(window, r.unreadBytes(), "still no more: the server waits for credit");
            ByteBuffer body = ByteBuffer.allocate(n);
            long most = 0;
            for (ByteBuffer chunk = r.readChunk(); chunk != null; chunk = r.readChunk()) {
                body.put(chunk);
                await(c.ping());
                most = Math.max(most, r.unreadBytes());
                assertTrue(r.unreadBytes() <= window, "held " + r.unreadBytes() + " after reading "
                        + body.position());
            }
            assertEquals(n, body.position());
            assertArrayEquals(pattern(n), body.array());
            assertTrue(most > window / 2, "credit returned as the body was read kept the window busy: " + most);
        }
    }

    @Test
    void uncompressedWithoutAcceptEncoding() throws Exception {
        try (H2Client client = client(ClientConfig.builder().acceptEncoding(false));
                ClientConnection c = await(client.connect(uri))) {
            Response r = await(c.send(Request.get("/?compress")));
            assertEquals(null, r.headers().first("content-encoding"));
            assertEquals("h2relay origin\n", new String(await(r.bytes(false)), StandardCharsets.UTF_8));
        }
    }
}
