package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.h2relay.engine.Event;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Netty's HTTP/2 client (frame codec + multiplex handler) against the engine's server side. */
class NettyClientInteropTest {

    private static NettyPeers.Response await(CompletableFuture<NettyPeers.Response> f) throws Exception {
        return f.get(20, TimeUnit.SECONDS);
    }

    @Test
    void nettyGetsResponsesOnConcurrentStreams() throws Exception {
        try (EngineServer server = EngineServer.start();
                NettyPeers.Client client = new NettyPeers.Client(server.port())) {
            CompletableFuture<NettyPeers.Response> hello = client.get("/");
            CompletableFuture<NettyPeers.Response> big = client.get("/bytes/1000000");
            CompletableFuture<NettyPeers.Response> missing = client.get("/missing");
            NettyPeers.Response r = await(hello);
            assertEquals(200, r.status());
            assertArrayEquals(EngineServer.HELLO, r.body());
            r = await(big);
            assertEquals(200, r.status());
            assertEquals("1000000", r.header("content-length"));
            Bodies.assertSameBytes(Bodies.pattern(1_000_000), r.body(), "1 MB body");
            assertEquals(404, await(missing).status());
            server.assertHealthy();
        }
    }

    @Test
    void nettyRunsFiftyDownloadsAtOnceEachByteExact() throws Exception {
        try (EngineServer server = EngineServer.start();
                NettyPeers.Client client = new NettyPeers.Client(server.port())) {
            List<CompletableFuture<NettyPeers.Response>> futures = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                futures.add(client.get("/bytes/" + (1000 + i * 997)));
            }
            for (int i = 0; i < 50; i++) {
                NettyPeers.Response r = await(futures.get(i));
                assertEquals(200, r.status());
                Bodies.assertSameBytes(Bodies.pattern(1000 + i * 997), r.body(), "response " + i);
            }
            assertEquals(1, server.connections());
            server.assertHealthy();
        }
    }

    @Test
    void nettyPostsABodyAndGetsItEchoed() throws Exception {
        byte[] body = Bodies.pattern(200_000);
        try (EngineServer server = EngineServer.start();
                NettyPeers.Client client = new NettyPeers.Client(server.port())) {
            NettyPeers.Response r = await(client.send(client.request("POST", "/echo"), body, null));
            assertEquals(200, r.status());
            Bodies.assertSameBytes(body, r.body(), "echo");
            assertNull(r.trailers());
            server.assertHealthy();
        }
    }

    @Test
    void nettySendsRequestTrailersAndGetsThemBack() throws Exception {
        byte[] body = Bodies.pattern(5_000);
        Http2Headers trailers = new DefaultHttp2Headers().add("x-checksum", "abc123").add("x-count", "2");
        try (EngineServer server = EngineServer.start();
                NettyPeers.Client client = new NettyPeers.Client(server.port())) {
            NettyPeers.Response r = await(client.send(client.request("POST", "/echo").add("te", "trailers"), body,
                    trailers));
            assertEquals(200, r.status());
            Bodies.assertSameBytes(body, r.body(), "echo");
            assertEquals("abc123", r.trailers().get("x-checksum").toString());
            assertEquals("2", r.trailers().get("x-count").toString());
            server.assertHealthy();
            assertEquals(1, server.events(Event.TrailersReceived.class).size());
        }
    }
}
