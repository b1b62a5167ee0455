package io.h2relay.proxy;

import static io.h2relay.proxy.RawHttp1Backend.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * RFC 8441 WebSockets from HTTP/2 clients to backends: the HTTP/1.1 Upgrade handshake and the byte tunnel after it
 * (contract C3), and the refusal toward an HTTP/2 backend that did not enable extended CONNECT.
 */
class WebSocketUpstreamTest {

    private static final ActorTestKit KIT = ActorTestKit.create();

    @AfterAll
    static void stopKit() {
        KIT.shutdownTestKit();
    }

    /** RFC 6455 §4.2.2: the Sec-WebSocket-Accept of a key. */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(
                    (key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Header> connect(String path, Header... extra) {
        List<Header> h = new java.util.ArrayList<>(List.of(Header.of(":method", "CONNECT"),
                Header.of(":protocol", "websocket"), Header.of(":scheme", "http"), Header.of(":authority", "ws.test"),
                Header.of(":path", path), Header.of("sec-websocket-version", "13")));
        h.addAll(List.of(extra));
        return h;
    }

    private static String header(List<Header> head, String name) {
        return head.stream().filter(h -> h.name().equals(name)).map(Header::value).findFirst().orElse(null);
    }

    /** Waits until the proxy's SETTINGS arrived: extended CONNECT needs its ENABLE_CONNECT_PROTOCOL. */
    private static H2TestClient client(ProxyServer proxy) throws Exception {
        H2TestClient client = new H2TestClient(proxy.address("main"));
        client.await(Event.RemoteSettingsChanged.class, s -> true);
        return client;
    }

    private static String readData(H2TestClient client, int id, int n) throws Exception {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (got.size() < n) {
            Event.DataReceived d = client.await(Event.DataReceived.class, e -> e.streamId() == id);
            byte[] b = new byte[d.data().remaining()];
            d.data().duplicate().get(b);
            got.write(b);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anExtendedConnectBecomesAnUpgradeAndThenABidirectionalTunnel() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            if (!"websocket".equals(r.field("upgrade"))) {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nplain");
                return true;
            }
            write(out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + accept(r.field("sec-websocket-key")) + "\r\n"
                    + "Sec-WebSocket-Protocol: chat\r\n\r\nhi!");
            out.flush();
            byte[] buffer = new byte[1024];
            for (int n; (n = c.in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n); // echo until the proxy's FIN
                out.flush();
            }
            return false;
        }, true)) {
            ProxyServer proxy = ProxyFixture.proxy(KIT, "clusters.ws.endpoints = [\"" + backend.url() + "\"]\n"
                    + "routes.default.cluster = ws\n");
            try (H2TestClient client = client(proxy)) {
                int id = client.request(connect("/chat?room=1", Header.of("sec-websocket-protocol", "chat")), false);
                Event.ResponseReceived head = client.await(Event.ResponseReceived.class, e -> e.streamId() == id);
                assertEquals("200", header(head.headers(), ":status"), "RFC 8441 §5: 101 becomes 200");
                assertEquals("chat", header(head.headers(), "sec-websocket-protocol"));
                assertNotNull(header(head.headers(), "sec-websocket-accept"));
                assertNull(header(head.headers(), "upgrade"));
                assertEquals("hi!", readData(client, id, 3), "bytes that came with the 101");
                client.send(id, "ping".getBytes(StandardCharsets.US_ASCII), false);
                assertEquals("ping", readData(client, id, 4));
                client.send(id, new byte[0], true); // the client's end: the backend sees FIN, closes, we see the end
                client.await(Event.StreamEnded.class, e -> e.streamId() == id);

                RawHttp1Backend.Request seen = backend.requests.get(0);
                assertEquals("GET /chat?room=1 HTTP/1.1", seen.line());
                assertEquals("ws.test", seen.field("host"));
                assertEquals("13", seen.field("sec-websocket-version"));
                assertEquals("chat", seen.field("sec-websocket-protocol"));
                assertEquals(16, Base64.getDecoder().decode(seen.field("sec-websocket-key")).length,
                        "an HTTP/2 client sends no key: RFC 6455 §4.1 wants 16 random bytes");
                assertTrue(seen.field("connection").equalsIgnoreCase("upgrade"));

                H2TestClient.Response plain = client.response(client.request(H2TestClient.get("ws.test", "/"), true));
                assertEquals("plain", new String(plain.body(), StandardCharsets.UTF_8));
                assertEquals(2, backend.connections.get(), "a tunnel's connection is never reused");
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void aRefusedHandshakeIsAnOrdinaryResponse() throws Exception {
        try (RawHttp1Backend backend = new RawHttp1Backend((c, r, out) -> {
            write(out, "HTTP/1.1 403 Forbidden\r\nContent-Length: 4\r\n\r\nnope");
            return true;
        }, true)) {
            ProxyServer proxy = ProxyFixture.proxy(KIT, "clusters.ws.endpoints = [\"" + backend.url() + "\"]\n"
                    + "routes.default.cluster = ws\n");
            try (H2TestClient client = client(proxy)) {
                int id = client.request(connect("/chat"), false);
                H2TestClient.Response r = client.response(id);
                assertEquals("403", r.status());
                assertEquals("nope", new String(r.body(), StandardCharsets.UTF_8));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void anHttp2BackendWithoutExtendedConnectGets502WithAReason() throws Exception {
        try (ScriptedBackend backend = new ScriptedBackend(ScriptedBackend.ANSWER)) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (H2TestClient client = client(proxy)) {
                H2TestClient.Response r = client.response(client.request(connect("/chat"), false));
                assertEquals("502", r.status());
                assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("SETTINGS_ENABLE_CONNECT_PROTOCOL"));
                assertEquals(ErrorCode.NO_ERROR.code(), client.await(Event.StreamReset.class, e -> true).errorCode());
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }

    @Test
    void anHttp2BackendThatEnabledItGetsTheExtendedConnect() throws Exception {
        io.h2relay.engine.H2Configuration config = io.h2relay.engine.H2Configuration.builder(false)
                .enableConnectProtocol(true).build();
        ScriptedBackend.Script script = (conn, e) -> {
            if (e instanceof Event.RequestReceived r) {
                conn.engine.sendHeaders(r.streamId(), List.of(Header.of(":status", "200"),
                        Header.of("x-protocol", header(r.headers(), ":protocol"))), false);
            } else if (e instanceof Event.DataReceived d) {
                conn.engine.sendData(d.streamId(), ByteBuffer.wrap("echo".getBytes(StandardCharsets.US_ASCII)), true);
            }
        };
        try (ScriptedBackend backend = new ScriptedBackend(script, config)) {
            ProxyServer proxy = ProxyFixture.proxyTo(KIT, backend.address(), "");
            try (H2TestClient client = client(proxy)) {
                int id = client.request(connect("/chat"), false);
                Event.ResponseReceived head = client.await(Event.ResponseReceived.class, e -> e.streamId() == id);
                assertEquals("websocket", header(head.headers(), "x-protocol"));
                client.send(id, "x".getBytes(StandardCharsets.US_ASCII), false);
                assertEquals("echo", readData(client, id, 4));
            } finally {
                ProxyFixture.stop(proxy);
            }
        }
    }
}
