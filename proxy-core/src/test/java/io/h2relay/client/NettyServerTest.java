package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against Netty's HTTP/2 server, with routes that do what each test needs. */
class NettyServerTest {

    private static ActorSystem<Void> system;
    private static H2Client client;

    @BeforeAll
    static void startClient() {
        system = ActorSystem.create(Behaviors.empty(), "netty-server-test");
        client = H2Client.create(ClientConfig.defaults(), system);
    }

    @AfterAll
    static void stopClient() {
        client.close();
        system.terminate();
    }

    /** A client with its own configuration on the shared actor system. */
    private static H2Client client(ClientConfig config) {
        return H2Client.create(config, system);
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static ClientConnection connect(H2Client c, NettyH2Server server) throws Exception {
        return await(c.connect(URI.create("h2c://127.0.0.1:" + server.port())));
    }

    @Test
    void threeConcurrentRequestsOnOneConnectionCompleteOutOfOrder() throws Exception {
        CompletableFuture<Void> releaseFirst = new CompletableFuture<>();
        Map<String, NettyH2Server.Route> routes = Map.of(
                "/first", call -> releaseFirst.thenRun(() -> call.later(() -> call.respond(200, utf8("first")))),
                "/second", call -> call.respond(200, utf8("second")),
                "/third", call -> call.respond(200, utf8("third")));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            CompletableFuture<Response> first = c.send(Request.get("/first")).toCompletableFuture();
            CompletableFuture<Response> second = c.send(Request.get("/second")).toCompletableFuture();
            CompletableFuture<Response> third = c.send(Request.get("/third")).toCompletableFuture();
            Response r2 = await(second);
            Response r3 = await(third);
            assertEquals("second", text(await(r2.bytes())));
            assertEquals("third", text(await(r3.bytes())));
            // The server has not answered the first request yet: the two later ones completed before it.
            assertFalse(first.isDone(), "the held first response cannot be complete");
            releaseFirst.complete(null);
            Response r1 = await(first);
            assertEquals("first", text(await(r1.bytes())));
            assertEquals(List.of(1, 3, 5), List.of(r1.streamId(), r2.streamId(), r3.streamId()),
                    "all three shared one connection, as streams 1, 3 and 5");
        }
    }

    @Test
    void anUnreadResponseStallsAtItsWindowWhileOtherStreamsProceed() throws Exception {
        byte[] big = Patterns.bytes(4 << 20, 7);
        Map<String, NettyH2Server.Route> routes = Map.of(
                "/big", call -> call.respond(200, big),
                "/small", call -> call.respond(200, utf8("small")));
        ClientConfig config = ClientConfig.builder().initialWindowSize(65535).build();
        try (H2Client own = client(config);
                NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(own, server)) {
            Response stalled = await(c.send(Request.get("/big")));
            // Netty wrote /big's first window before it read the next requests, so their answers come after it.
            for (int i = 0; i < 5; i++) {
                Response small = await(c.send(Request.get("/small")));
                assertEquals("small", text(await(small.bytes())));
            }
            await(c.ping());
            assertEquals(65535, stalled.unreadBytes(), "exactly the stream window is held, nothing more");
            // Reading releases the window bit by bit: the whole body arrives intact.
            byte[] read = stalled.inputStream().readAllBytes();
            assertArrayEquals(big, read);
        }
    }

    @Test
    void informationalResponsesAreVisible() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/hints", call -> {
            call.headers(103, false, "link", "</style.css>; rel=preload");
            call.respond(200, utf8("done"));
        });
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            Response r = await(c.send(Request.get("/hints")));
            assertEquals(200, r.status());
            assertEquals(1, r.informational().size());
            assertEquals(103, r.informational().get(0).status());
            assertEquals("</style.css>; rel=preload", r.informational().get(0).headers().first("link"));
        }
    }

    @Test
    void readChunkGivesOneChunkPerDataFrameEmptyOnesIncludedThenTrailers() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/chunks", call -> {
            call.headers(200, false);
            call.data(utf8("abc"), false);
            call.emptyData();
            call.data(utf8("defg"), false);
            call.trailers("x-checksum", "42");
        });
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            Response r = await(c.send(Request.get("/chunks")));
            List<String> chunks = new ArrayList<>();
            for (ByteBuffer b; (b = r.readChunk()) != null; ) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                chunks.add(text(bytes));
            }
            assertEquals(List.of("abc", "", "defg"), chunks);
            assertEquals("42", await(r.trailers()).first("x-checksum"));
        }
    }

    @Test
    void requestTrailersAndBodyReachTheServer() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/echo", call -> {
            String trailer = call.trailers == null ? "none" : String.valueOf(call.trailers.get("x-sum"));
            call.respond(200, call.body, "x-got-trailer", trailer);
        });
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            Request request = Request.builder("POST", "/echo").body(RequestBody.of("payload")).trailer("x-sum", "7")
                    .build();
            Response r = await(c.send(request));
            assertEquals("7", r.headers().first("x-got-trailer"));
            assertEquals("payload", text(await(r.bytes())));
        }
    }

    @Test
    void goAwayWithAnErrorFailsRequestsWithItsNameAndMeaning() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/calm", call -> call.goAway(call.streamId, 0xb,
                "too many requests"));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(c.send(Request.get("/calm"))));
            ConnectionException cause = assertInstanceOf(ConnectionException.class, e.getCause());
            assertEquals(0xb, cause.errorCode());
            assertTrue(cause.remote());
            assertTrue(cause.getMessage().contains("ENHANCE_YOUR_CALM (0xb): the peer is throttling"),
                    cause.getMessage());
            assertTrue(cause.getMessage().contains("too many requests"), cause.getMessage());
            await(c.closed());
        }
    }

    @Test
    void streamsAboveAGracefulGoAwayAreReportedAsNotProcessed() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of(
                "/a", call -> call.respond(200, utf8("a")),
                "/last", call -> {
                    call.respond(200, utf8("last"));
                    call.goAway(call.streamId, 0, "draining");
                },
                "/b", call -> call.respond(200, utf8("b")));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            CompletableFuture<Response> a = c.send(Request.get("/a")).toCompletableFuture();
            CompletableFuture<Response> last = c.send(Request.get("/last")).toCompletableFuture();
            assertEquals("last", text(await(await(last).bytes())));
            assertEquals("a", text(await(await(a).bytes())));
            // Sent after the GOAWAY was read: never reaches a stream. Sent before but above last-stream-id: refused.
            CompletableFuture<Response> after = c.send(Request.get("/b")).toCompletableFuture();
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(after));
            RequestNotProcessedException notProcessed = assertInstanceOf(RequestNotProcessedException.class,
                    e.getCause());
            assertTrue(notProcessed.retryable());
            await(c.closed());
        }
    }

    @Test
    void pushIsReceivedWithItsPromisedRequestAndCancelSendsRstStreamCancel() throws Exception {
        byte[] large = Patterns.bytes(1 << 20, 3);
        Map<String, NettyH2Server.Route> routes = Map.of("/page", call -> {
            call.push("/small.css", utf8("body{}"));
            call.push("/large.bin", large);
            call.respond(200, utf8("<html>"));
        });
        ClientConfig config = ClientConfig.builder().enablePush(true).initialWindowSize(65535).build();
        try (H2Client own = client(config);
                NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(own, server)) {
            Response page = await(c.send(Request.get("/page")));
            assertEquals("<html>", text(await(page.bytes())));
            List<PushPromise> pushes = await(page.allPushes());
            assertEquals(2, pushes.size());
            PushPromise css = pushes.get(0);
            assertEquals("/small.css", css.path());
            assertEquals("GET", css.method());
            assertEquals(1, css.parentStreamId());
            assertEquals(0, css.streamId() % 2, "pushed streams are even");
            assertEquals("body{}", text(await(await(css.response()).bytes())));
            PushPromise big = pushes.get(1);
            assertEquals("/large.bin", big.path());
            big.cancel(); // stalled at its 64 KiB window: the server is still sending
            NettyH2Server.Reset reset = server.resets.poll(20, TimeUnit.SECONDS);
            assertEquals(new NettyH2Server.Reset(big.streamId(), 0x8), reset);
        }
    }

    @Test
    void upgradesFromHttp11ToH2cWithTheFirstRequestAsStreamOne() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/", call -> call.respond(200, utf8("over h2")));
        try (NettyH2Server server = new NettyH2Server(routes);
                ClientConnection c = await(client.connect(URI.create("http://127.0.0.1:" + server.port()),
                        ConnectMode.H2C_UPGRADE))) {
            assertEquals("http/1.1", c.protocol());
            Response first = await(c.send(Request.get("/")));
            assertEquals("h2c", first.protocol());
            assertEquals(1, first.streamId());
            assertEquals("over h2", text(await(first.bytes())));
            Response second = await(c.send(Request.get("/")));
            assertEquals(3, second.streamId());
            assertEquals("h2c", c.protocol());
        }
    }

    @Test
    void unknownPathGetsTheServersAnswerAndNothingIsHeldBack() throws Exception {
        try (NettyH2Server server = new NettyH2Server(Map.of()); ClientConnection c = connect(client, server)) {
            Response r = await(c.send(Request.get("/nothing")));
            assertEquals(404, r.status());
            assertEquals(8L, await(r.discard()), "the 8 bytes of 'no route' were read and dropped");
        }
    }
    @Test
    void decodesBrotliAndBothKindsOfDeflateFromTheServer() throws Exception {
        byte[] text = utf8("brotli and deflate and deflate again\n".repeat(500));
        Map<String, NettyH2Server.Route> routes = Map.of(
                "/br", call -> respondCoded(call, "br", () -> ContentDecoderTest.brotli(text)),
                "/zlib", call -> respondCoded(call, "deflate", () -> ContentDecoderTest.deflate(text, false)),
                "/raw", call -> respondCoded(call, "deflate", () -> ContentDecoderTest.deflate(text, true)));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            for (String path : List.of("/br", "/zlib", "/raw")) {
                Response r = await(c.send(Request.get(path)));
                assertArrayEquals(text, await(r.bytes()), path);
            }
            Response raw = await(c.send(Request.get("/br")));
            assertArrayEquals(ContentDecoderTest.brotli(text), await(raw.bytes(false)), "decoding off for this read");
        }
    }

    private interface Coded {
        byte[] get() throws Exception;
    }

    private static void respondCoded(NettyH2Server.Call call, String coding, Coded body) {
        String accepted = String.valueOf(call.headers.get("accept-encoding"));
        try {
            call.respond(200, body.get(), "content-encoding", coding, "x-accepted", accepted);
        } catch (Exception e) {
            call.respond(500, utf8(e.toString()));
        }
    }

    @Test
    void sendsAcceptEncodingByDefault() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/", call -> call.respond(200,
                utf8(String.valueOf(call.headers.get("accept-encoding")))));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            assertEquals("gzip, deflate, br", text(await(await(c.send(Request.get("/"))).bytes())));
        }
    }

    @Test
    void closingAnUnfinishedResponseResetsItsStreamWithCancel() throws Exception {
        byte[] big = Patterns.bytes(2 << 20, 4);
        Map<String, NettyH2Server.Route> routes = Map.of("/big", call -> call.respond(200, big));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            Response r = await(c.send(Request.get("/big")));
            ByteBuffer first = r.readChunk();
            assertTrue(first.remaining() > 0);
            r.close();
            assertEquals(new NettyH2Server.Reset(r.streamId(), 0x8), server.resets.poll(20, TimeUnit.SECONDS));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(r.trailers()));
            assertInstanceOf(StreamResetException.class, e.getCause());
            // The connection carries on.
            assertEquals(404, await(c.send(Request.get("/other"))).status());
        }
    }

    @Test
    void uploadsFromAPublisherAndTheServerGetsEveryByte() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/echo", call -> call.respond(200, call.body));
        byte[] payload = Patterns.bytes(1 << 20, 8);
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < payload.length; i += 10000) {
            pieces.add(java.util.Arrays.copyOfRange(payload, i, Math.min(i + 10000, payload.length)));
        }
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            // The JDK HTTP client's body publishers are Flow.Publisher<ByteBuffer>s that produce on demand.
            RequestBody body = RequestBody.from(java.net.http.HttpRequest.BodyPublishers.ofByteArrays(pieces),
                    payload.length);
            Response r = await(c.send(Request.post("/echo", body)));
            assertArrayEquals(payload, await(r.bytes()));
        }
    }

    @Test
    void aConnectionThatCannotBeMadeFailsWithConnectionException() throws Exception {
        int port = ExternalProgram.freePort(); // nobody listens there now
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> await(client.connect(URI.create("h2c://127.0.0.1:" + port))));
        ConnectionException cause = assertInstanceOf(ConnectionException.class, e.getCause());
        assertTrue(cause.getMessage().contains("cannot connect"), cause.getMessage());
    }

    @Test
    void aConnectionLostMidResponseFailsItAndLaterRequests() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/half", call -> {
            call.headers(200, false);
            call.data(utf8("partial"), false);
            call.later(call::closeConnection);
        });
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            Response r = await(c.send(Request.get("/half")));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(r.bytes()));
            assertInstanceOf(ConnectionException.class, e.getCause());
            await(c.closed());
            ExecutionException late = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(c.send(Request.get("/half"))));
            assertInstanceOf(RequestNotProcessedException.class, late.getCause());
        }
    }
    @Test
    void shutdownSendsGoAwayLetsTheRequestUnderWayFinishAndRefusesNewOnes() throws Exception {
        CompletableFuture<Void> release = new CompletableFuture<>();
        Map<String, NettyH2Server.Route> routes = Map.of(
                "/hold", call -> release.thenRun(() -> call.later(() -> call.respond(200, utf8("held")))));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            CompletableFuture<Response> held = c.send(Request.get("/hold")).toCompletableFuture();
            await(c.ping()); // the request is on the wire
            CompletableFuture<Void> closed = c.shutdown().toCompletableFuture();
            assertEquals(new NettyH2Server.Reset(0, 0), server.goAways.poll(20, TimeUnit.SECONDS),
                    "GOAWAY(NO_ERROR); the client accepted no server streams, so its last stream is 0");
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(c.send(Request.get("/hold"))));
            assertInstanceOf(RequestNotProcessedException.class, e.getCause());
            assertFalse(closed.isDone(), "a request is still under way");
            release.complete(null);
            assertEquals("held", text(await(await(held).bytes())));
            await(closed);
            assertFalse(c.isOpen());
        }
    }

    @Test
    void manyThreadsShareOneConnection() throws Exception {
        Map<String, NettyH2Server.Route> routes = new java.util.HashMap<>();
        for (int t = 0; t < 8; t++) {
            for (int i = 0; i < 25; i++) {
                String path = "/t" + t + "/r" + i;
                routes.put(path, call -> call.respond(200, utf8(call.path())));
            }
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.Set<Integer> streams = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            List<CompletableFuture<Void>> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.add(CompletableFuture.runAsync(() -> {
                    List<CompletableFuture<Response>> mine = new ArrayList<>();
                    for (int i = 0; i < 25; i++) {
                        mine.add(c.send(Request.get("/t" + thread + "/r" + i)).toCompletableFuture());
                    }
                    for (int i = 0; i < 25; i++) {
                        Response r = mine.get(i).join();
                        streams.add(r.streamId());
                        assertEquals("/t" + thread + "/r" + i, r.text().toCompletableFuture().join());
                    }
                }, pool));
            }
            for (CompletableFuture<Void> f : threads) {
                await(f);
            }
            assertEquals(200, streams.size(), "200 requests, 200 streams of the one connection");
        } finally {
            pool.shutdown();
        }
    }
    @Test
    void writesABodyPieceByPieceThroughAPipeWithBackpressure() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/echo", call -> call.respond(200, call.body,
                "x-trailer", String.valueOf(call.trailers == null ? null : call.trailers.get("x-done"))));
        byte[] payload = Patterns.bytes(3 << 20, 12);
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            BodyPipe pipe = new BodyPipe();
            CompletableFuture<Response> response = c.send(Request.builder("POST", "/echo").body(pipe.body())
                    .trailer("x-done", "yes").build()).toCompletableFuture();
            for (int i = 0; i < payload.length; i += 50_000) {
                await(pipe.write(ByteBuffer.wrap(payload, i, Math.min(50_000, payload.length - i)).slice()));
            }
            pipe.close();
            Response r = await(response);
            assertEquals("yes", r.headers().first("x-trailer"));
            assertArrayEquals(payload, await(r.bytes()));
        }
    }

    @Test
    void aFailingBodyFailsItsRequestAndResetsOnlyItsStream() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/echo", call -> call.respond(200, call.body));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            BodyPipe pipe = new BodyPipe();
            CompletableFuture<Response> response = c.send(Request.post("/echo", pipe.body())).toCompletableFuture();
            await(pipe.write(ByteBuffer.wrap(utf8("some"))));
            pipe.fail(new IllegalStateException("the source broke"));
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(response));
            assertTrue(e.getCause().getMessage().contains("the source broke"), e.getCause().getMessage());
            assertEquals(new NettyH2Server.Reset(1, 0x8), server.resets.poll(20, TimeUnit.SECONDS));
            Response next = await(c.send(Request.post("/echo", RequestBody.of("fine"))));
            assertEquals("fine", text(await(next.bytes())));
        }
    }

    @Test
    void cancellingOrTimingOutTheSentFutureBeforeTheHeadResetsTheStreamWithCancel() throws Exception {
        Map<String, NettyH2Server.Route> routes = Map.of("/never", call -> { }, "/echo",
                call -> call.respond(200, call.body));
        try (NettyH2Server server = new NettyH2Server(routes); ClientConnection c = connect(client, server)) {
            CompletableFuture<Response> cancelled = c.send(Request.get("/never")).toCompletableFuture();
            assertTrue(cancelled.cancel(false));
            assertEquals(new NettyH2Server.Reset(1, 0x8), server.resets.poll(20, TimeUnit.SECONDS));
            // orTimeout completes the very future send returned, which withdraws the request the same way.
            CompletableFuture<Response> timed = c.send(Request.get("/never")).toCompletableFuture()
                    .orTimeout(100, TimeUnit.MILLISECONDS);
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> await(timed));
            assertTrue(e.getCause() instanceof java.util.concurrent.TimeoutException, e.toString());
            assertEquals(new NettyH2Server.Reset(3, 0x8), server.resets.poll(20, TimeUnit.SECONDS));
            Response next = await(c.send(Request.post("/echo", RequestBody.of("still fine"))));
            assertEquals("still fine", text(await(next.bytes())));
        }
    }
}
