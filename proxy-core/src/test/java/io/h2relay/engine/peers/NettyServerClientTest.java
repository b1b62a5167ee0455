package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The engine's client side, in {@link EngineClient}, against Netty's HTTP/2 server (frame codec + multiplex). */
class NettyServerClientTest {

    @Test
    void postsABodyAndGetsItEchoed() throws Exception {
        byte[] body = Bodies.pattern(1 << 20);
        try (NettyPeers.Server server = new NettyPeers.Server();
                EngineClient client = new EngineClient(server.port())) {
            EngineClient.Response r = client.exchange(List.of(EngineClient.Request.post("/echo", body))).get(0);
            assertEquals(200, r.status(), r.toString());
            assertEquals(Integer.toString(body.length), Bodies.value(r.headers, "content-length"));
            Bodies.assertSameBytes(body, r.bytes(), "echo");
            assertNull(r.trailers);
        }
    }

    @Test
    void sendsRequestTrailersAndGetsThemBack() throws Exception {
        byte[] body = Bodies.pattern(70_000);
        EngineClient.Request request = new EngineClient.Request("POST", "/echo", Bodies.headers("te", "trailers"),
                body, Bodies.headers("x-checksum", "77"));
        try (NettyPeers.Server server = new NettyPeers.Server();
                EngineClient client = new EngineClient(server.port())) {
            EngineClient.Response r = client.exchange(List.of(request)).get(0);
            assertEquals(200, r.status(), r.toString());
            Bodies.assertSameBytes(body, r.bytes(), "echo");
            assertEquals(Bodies.headers("x-checksum", "77"), r.trailers);
        }
    }

    @Test
    void runsConcurrentGetsAndPosts() throws Exception {
        List<EngineClient.Request> requests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            requests.add(i % 3 == 0 ? EngineClient.Request.post("/echo", Bodies.pattern(i * 3001))
                    : EngineClient.Request.get("/bytes/" + (i * 5003)));
        }
        requests.add(EngineClient.Request.get("/missing"));
        try (NettyPeers.Server server = new NettyPeers.Server();
                EngineClient client = new EngineClient(server.port())) {
            List<EngineClient.Response> responses = client.exchange(requests);
            for (int i = 0; i < 30; i++) {
                EngineClient.Response r = responses.get(i);
                assertEquals(200, r.status(), r.toString());
                byte[] expected = i % 3 == 0 ? Bodies.pattern(i * 3001) : Bodies.pattern(i * 5003);
                Bodies.assertSameBytes(expected, r.bytes(), r.toString());
            }
            assertEquals(404, responses.get(30).status());
            assertArrayEquals("not found\n".getBytes(), responses.get(30).bytes());
        }
    }
}
