package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.h2relay.hpack.Header;
import io.h2relay.http1.BodyFraming;
import io.h2relay.http1.Http1Event.RequestHead;
import io.h2relay.http1.Http1Field;
import io.h2relay.http1.Http1Version;
import io.h2relay.proxy.Http1Heads.Kind;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The HTTP/1.1 ↔ HTTP/2 head mapping of the downstream side (contract C3). */
class Http1HeadsTest {

    private static RequestHead head(String method, String target, Http1Version version, BodyFraming framing,
            String... fields) {
        List<Http1Field> list = new ArrayList<>();
        String authority = "";
        for (int i = 0; i < fields.length; i += 2) {
            list.add(Http1Field.of(fields[i], fields[i + 1]));
            if (fields[i].equals("host")) {
                authority = fields[i + 1];
            }
        }
        if (target.startsWith("http://")) {
            authority = target.substring(7, target.indexOf('/', 7));
        }
        return new RequestHead(method, target, version, list, authority, framing,
                framing == BodyFraming.NONE ? 0 : -1, false);
    }

    private static RequestHead get(String... fields) {
        return head("GET", "/chat?x=1", Http1Version.HTTP_1_1, BodyFraming.NONE, fields);
    }

    @Test
    void websocketHandshakeBecomesExtendedConnectKeepingItsFields() {
        RequestHead h = get("host", "example.test", "upgrade", "websocket", "connection", "Upgrade",
                "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version", "13",
                "sec-websocket-protocol", "chat", "origin", "http://example.test");
        assertEquals(Kind.WEBSOCKET, Http1Heads.kind(h, true));
        assertEquals(List.of(Header.of(":method", "CONNECT"), Header.of(":protocol", "websocket"),
                Header.of(":scheme", "http"), Header.of(":authority", "example.test"), Header.of(":path", "/chat?x=1"),
                Header.of("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="), Header.of("sec-websocket-version", "13"),
                Header.of("sec-websocket-protocol", "chat"), Header.of("origin", "http://example.test")),
                Http1Heads.request(h, "http", "proxy.test:8080", Kind.WEBSOCKET));
    }

    @Test
    void websocketNeedsGetTheUpgradeOptionAndNoBody() {
        assertEquals(Kind.ORDINARY, Http1Heads.kind(get("host", "a", "upgrade", "websocket"), true));
        assertEquals(Kind.ORDINARY, Http1Heads.kind(head("POST", "/", Http1Version.HTTP_1_1, BodyFraming.NONE,
                "host", "a", "upgrade", "websocket", "connection", "upgrade"), true));
        assertEquals(Kind.ORDINARY, Http1Heads.kind(head("GET", "/", Http1Version.HTTP_1_1,
                BodyFraming.CONTENT_LENGTH, "host", "a", "upgrade", "websocket", "connection", "upgrade"), true));
        assertEquals(Kind.ORDINARY, Http1Heads.kind(head("GET", "/", Http1Version.HTTP_1_0, BodyFraming.NONE,
                "host", "a", "upgrade", "websocket", "connection", "upgrade"), true));
    }

    @Test
    void h2cUpgradeNeedsTheListenerHttp2SettingsNamedInConnectionAndNoBody() {
        String[] ok = {"host", "a", "upgrade", "h2c", "connection", "Upgrade, HTTP2-Settings", "http2-settings",
            "AAMAAABkAAQAAP__"};
        assertEquals(Kind.H2C_UPGRADE, Http1Heads.kind(get(ok), true));
        assertEquals(Kind.ORDINARY, Http1Heads.kind(get(ok), false), "the listener does not offer h2c-upgrade");
        assertEquals(Kind.ORDINARY, Http1Heads.kind(get("host", "a", "upgrade", "h2c", "connection", "Upgrade",
                "http2-settings", "AAMAAABk"), true), "HTTP2-Settings must be a connection option (RFC 7540 §3.2.1)");
        assertEquals(Kind.ORDINARY, Http1Heads.kind(head("POST", "/", Http1Version.HTTP_1_1,
                BodyFraming.CONTENT_LENGTH, ok), true), "a request with a body is served as HTTP/1.1");
        assertEquals(Kind.ORDINARY, Http1Heads.kind(get("host", "a", "upgrade", "h2c", "connection",
                "Upgrade, HTTP2-Settings", "http2-settings", "AAMAAABk", "http2-settings", "AAMAAABk"), true),
                "exactly one HTTP2-Settings");
    }

    @Test
    void http2SettingsMustBeBase64UrlOfWholeSettings() {
        assertEquals("AAMAAABk", Http1Heads.http2Settings(List.of(Http1Field.of("http2-settings", "AAMAAABk"))));
        assertEquals("", Http1Heads.http2Settings(List.of(Http1Field.of("http2-settings", ""))));
        assertNull(Http1Heads.http2Settings(List.of(Http1Field.of("http2-settings", "AAMAAA"))), "4 octets");
        assertNull(Http1Heads.http2Settings(List.of(Http1Field.of("http2-settings", "AA+/AABk"))), "not base64url");
        assertNull(Http1Heads.http2Settings(List.of()));
    }

    @Test
    void otherUpgradesAreOrdinaryRequestsWithoutTheirUpgradeFields() {
        RequestHead h = get("host", "a", "upgrade", "foo/2, h2c", "connection", "upgrade", "x-a", "1");
        assertEquals(Kind.ORDINARY, Http1Heads.kind(h, true), "h2c without HTTP2-Settings is no h2c upgrade");
        assertEquals(List.of(Header.of(":method", "GET"), Header.of(":scheme", "http"), Header.of(":authority", "a"),
                Header.of(":path", "/chat?x=1"), Header.of("x-a", "1")),
                Http1Heads.request(h, "http", "proxy.test:8080", Kind.ORDINARY));
    }

    @Test
    void connectKeepsOnlyMethodAndAuthority() {
        RequestHead h = head("CONNECT", "db.internal:5432", Http1Version.HTTP_1_1, BodyFraming.NONE,
                "host", "db.internal:5432");
        h = new RequestHead(h.method(), h.target(), h.version(), h.headers(), "db.internal:5432", h.framing(), 0,
                false);
        assertEquals(Kind.CONNECT, Http1Heads.kind(h, true));
        assertEquals(List.of(Header.of(":method", "CONNECT"), Header.of(":authority", "db.internal:5432")),
                Http1Heads.request(h, "http", "proxy.test:8080", Kind.CONNECT));
    }

    @Test
    void dropsConnectionSpecificFieldsAndKeepsTeTrailersOnly() {
        RequestHead h = get("host", "a", "connection", "keep-alive, x-hop", "x-hop", "1", "keep-alive", "timeout=5",
                "proxy-connection", "keep-alive", "te", "gzip, trailers;q=0.5", "cookie", "a=1", "cookie", "b=2");
        assertEquals(List.of(Header.of(":method", "GET"), Header.of(":scheme", "http"), Header.of(":authority", "a"),
                Header.of(":path", "/chat?x=1"), Header.of("cookie", "a=1"), Header.of("cookie", "b=2"),
                Header.of("te", "trailers")),
                Http1Heads.request(h, "http", "proxy.test:8080", Kind.ORDINARY));
        assertEquals(List.of(Header.of(":method", "GET"), Header.of(":scheme", "https"), Header.of(":authority", "a"),
                Header.of(":path", "/chat?x=1")), Http1Heads.request(get("host", "a", "te", "gzip"), "https",
                "proxy.test:8080", Kind.ORDINARY), "te without trailers goes; the listener's scheme");
    }

    @Test
    void aRequestWithoutHostGetsTheConnectionsAddressAsAuthority() {
        RequestHead h = head("GET", "/", Http1Version.HTTP_1_0, BodyFraming.NONE);
        assertEquals(List.of(Header.of(":method", "GET"), Header.of(":scheme", "http"),
                Header.of(":authority", "proxy.test:8080"), Header.of(":path", "/")),
                Http1Heads.request(h, "http", "proxy.test:8080", Kind.ORDINARY));
    }

    @Test
    void absoluteFormGivesSchemeAndAuthority() {
        RequestHead h = head("GET", "http://origin.test/p", Http1Version.HTTP_1_1, BodyFraming.NONE,
                "host", "other.test");
        List<Header> mapped = Http1Heads.request(h, "https", "proxy.test:8080", Kind.ORDINARY);
        assertEquals(List.of(Header.of(":method", "GET"), Header.of(":scheme", "http"),
                Header.of(":authority", "origin.test"), Header.of(":path", "/p")), mapped);
    }

    @Test
    void responsesLosePseudoAndConnectionSpecificFields() {
        assertEquals(List.of(Http1Field.of("content-type", "text/plain"), Http1Field.of("set-cookie", "a=1")),
                Http1Heads.fields(List.of(Header.of(":status", "200"), Header.of("content-type", "text/plain"),
                        Header.of("transfer-encoding", "chunked"), Header.of("set-cookie", "a=1"))));
    }

    @Test
    void aBackendsWebsocket200BecomesThe101Fields() {
        assertEquals(List.of(Http1Field.of("upgrade", "websocket"), Http1Field.of("connection", "upgrade"),
                Http1Field.of("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                Http1Field.of("sec-websocket-protocol", "chat")),
                Http1Heads.switchingToWebSocket(List.of(Header.of(":status", "200"),
                        Header.of("sec-websocket-accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                        Header.of("sec-websocket-protocol", "chat"), Header.of("content-length", "0"))));
        assertEquals(200, Http1Heads.status(List.of(Header.of(":status", "200"))));
        assertEquals(-1, Http1Heads.status(List.of(Header.of(":status", "2x0"))));
    }
}
