package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.hpack.Header;
import io.h2relay.http1.BodyFraming;
import io.h2relay.http1.Http1Event;
import io.h2relay.http1.Http1Field;
import io.h2relay.http1.Http1Version;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The C3 mapping between the proxy's HTTP/2-style heads and HTTP/1.1. */
class Http1MappingTest {

    private static List<Header> head(String... pairs) {
        Header[] h = new Header[pairs.length / 2];
        for (int i = 0; i < h.length; i++) {
            h[i] = Header.of(pairs[2 * i], pairs[2 * i + 1]);
        }
        return List.of(h);
    }

    @Test
    void authorityBecomesTheOneHostFieldFirst() {
        Http1Mapping.Request r = Http1Mapping.request(head(":method", "GET", ":scheme", "https", ":authority", "a.test",
                ":path", "/x", "host", "b.test", "accept", "*/*"), "backend:80");
        assertEquals("GET", r.method());
        assertEquals("/x", r.target());
        assertEquals(List.of(Http1Field.of("host", "a.test"), Http1Field.of("accept", "*/*")), r.fields());
        assertTrue(r.idempotent());
    }

    @Test
    void withoutAuthorityTheHostFieldOrTheEndpointNamesTheHost() {
        assertEquals(Http1Field.of("host", "b.test"), Http1Mapping.request(head(":method", "GET", ":path", "/",
                "host", "b.test"), "backend:80").fields().get(0));
        assertEquals(Http1Field.of("host", "backend:80"), Http1Mapping.request(head(":method", "GET", ":path", "/"),
                "backend:80").fields().get(0));
    }

    @Test
    void cookiesAreJoinedAndConnectionSpecificFieldsDropped() {
        Http1Mapping.Request r = Http1Mapping.request(head(":method", "POST", ":path", "/", ":authority", "a",
                "cookie", "a=1", "te", "trailers", "cookie", "b=2", "connection", "x-hop", "x-hop", "1",
                "keep-alive", "5", "x-end", "2"), "e:1");
        assertEquals(List.of(Http1Field.of("host", "a"), Http1Field.of("x-end", "2"), Http1Field.of("cookie",
                "a=1; b=2")), r.fields());
        assertFalse(r.idempotent(), "POST (RFC 9110 §9.2.2)");
    }

    @Test
    void extendedConnectBecomesTheWebSocketHandshake() {
        Http1Mapping.Request r = Http1Mapping.request(head(":method", "CONNECT", ":protocol", "websocket",
                ":scheme", "http", ":authority", "ws", ":path", "/chat", "sec-websocket-version", "13",
                "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="), "e:1");
        assertEquals("GET", r.method());
        assertEquals("/chat", r.target());
        assertTrue(r.websocket());
        assertFalse(r.idempotent(), "a tunnel is never sent twice");
        assertEquals(List.of(Http1Field.of("host", "ws"), Http1Field.of("sec-websocket-version", "13"),
                Http1Field.of("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="), Http1Field.of("upgrade", "websocket"),
                Http1Field.of("connection", "Upgrade")), r.fields(), "the client's key is kept, none is added");
    }

    @Test
    void plainConnectUsesTheAuthorityForm() {
        Http1Mapping.Request r = Http1Mapping.request(head(":method", "CONNECT", ":authority", "db:5432"), "e:1");
        assertEquals("db:5432", r.target());
        assertFalse(r.websocket());
    }

    @Test
    void responsesLoseConnectionSpecificFieldsAndA101ToAWebSocketIs200() {
        Http1Event.ResponseHead h = new Http1Event.ResponseHead(101, "Switching Protocols", Http1Version.HTTP_1_1,
                List.of(Http1Field.of("upgrade", "websocket"), Http1Field.of("connection", "Upgrade, x-gone"),
                        Http1Field.of("x-gone", "1"), Http1Field.of("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")),
                BodyFraming.NONE, 0);
        assertEquals(head(":status", "200", "sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                Http1Mapping.response(h, true));
        assertEquals("101", Http1Mapping.response(h, false).get(0).value());
    }
}
