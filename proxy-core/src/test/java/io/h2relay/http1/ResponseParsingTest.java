package io.h2relay.http1;

import static io.h2relay.http1.Wire.body;
import static io.h2relay.http1.Wire.fetchAllSplits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.http1.Http1Event.ConnectionClosed;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.Malformed;
import io.h2relay.http1.Http1Event.ProtocolSwitched;
import io.h2relay.http1.Http1Event.ResponseHead;
import io.h2relay.http1.Http1Event.Trailers;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Client role: what responses turn into. Every input also runs byte by byte and in random splits. */
class ResponseParsingTest {

    private static ResponseHead head(List<Http1Event> events, int index) {
        return (ResponseHead) events.stream().filter(ResponseHead.class::isInstance).toList().get(index);
    }

    private static void assertMalformed502(String method, String response) {
        List<Http1Event> events = fetchAllSplits(method, response, true);
        Malformed m = Wire.malformed(events);
        assertEquals(502, m.status(), response);
        assertTrue(m.closeConnection());
    }

    @Test
    void parsesAStatusLineFieldsAndAContentLengthBody() {
        List<Http1Event> events = fetchAllSplits("GET", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-A: b\r\n\r\nhello",
                false);
        assertEquals(new ResponseHead(200, "OK", Http1Version.HTTP_1_1,
                List.of(Http1Field.of("content-length", "5"), Http1Field.of("x-a", "b")),
                BodyFraming.CONTENT_LENGTH, 5), events.get(0));
        assertEquals("hello", body(events));
        assertEquals(new EndOfMessage(), events.get(events.size() - 1));
    }

    @Test
    void theReasonPhraseMayBeEmptyOrCarryObsText() {
        assertEquals("", head(fetchAllSplits("GET", "HTTP/1.1 204 \r\n\r\n", false), 0).reason());
        assertEquals("Tr\u00e8s bien\tok", head(fetchAllSplits("GET", "HTTP/1.1 200 Tr\u00e8s bien\tok\r\n"
                + "Content-Length: 0\r\n\r\n", false), 0).reason());
    }

    @Test
    void aStatusLineWithoutTheSpaceAfterTheCodeIsMalformed() {
        // RFC 9112 §4 requires the SP even when the reason-phrase is empty.
        assertMalformed502("GET", "HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n");
    }

    @Test
    void malformedStatusLinesAreRefusedWith502() {
        assertMalformed502("GET", "HTTP/1.1 2x0 OK\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 600 Odd\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 099 Odd\r\n\r\n");
        assertMalformed502("GET", "HTTP/2.0 200 OK\r\n\r\n");
        assertMalformed502("GET", "http/1.1 200 OK\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1  200 OK\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 200 O\u0000K\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nX : y\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nX: y\r\n folded\r\n\r\n");
    }

    @Test
    void headResponsesHaveNoBodyWhateverTheirFieldsSay() {
        List<Http1Event> events = fetchAllSplits("HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", false);
        assertEquals(BodyFraming.NONE, head(events, 0).framing());
        assertEquals(List.of(ResponseHead.class, EndOfMessage.class), events.stream().map(Object::getClass).toList());
    }

    @Test
    void responses204And304HaveNoBody() {
        for (String status : List.of("204 No Content", "304 Not Modified")) {
            List<Http1Event> events = fetchAllSplits("GET", "HTTP/1.1 " + status
                    + "\r\nContent-Length: 7\r\nTransfer-Encoding: chunked\r\n\r\n", false);
            assertEquals(2, events.size(), status);
            assertEquals(new EndOfMessage(), events.get(1));
        }
    }

    @Test
    void informationalResponsesPrecedeTheFinalOne() {
        List<Http1Event> events = fetchAllSplits("POST", "HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok", false);
        assertTrue(head(events, 0).informational());
        assertEquals(103, head(events, 1).status());
        assertEquals(List.of(Http1Field.of("link", "</s.css>; rel=preload")), head(events, 1).headers());
        assertFalse(head(events, 2).informational());
        assertEquals("ok", body(events));
    }

    @Test
    void a101ToAnUpgradeHandsTheRemainingBytesOver() {
        List<Http1Field> upgrade =
                List.of(Http1Field.of("Connection", "Upgrade"), Http1Field.of("Upgrade", "websocket"));
        List<Http1Event> events = fetchAllSplits(Http1Config.defaults(), "GET",
                "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0002hi",
                false, upgrade);
        assertEquals(101, head(events, 0).status());
        assertEquals("\u0081\u0002hi", Wire.trailing(events));

        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/chat", List.of(Http1Field.of("Host", "a"), upgrade.get(0), upgrade.get(1)),
                true);
        client.receiveData(ByteBuffer.wrap(Wire.bytes("HTTP/1.1 101 Switching Protocols\r\n"
                + "Upgrade: websocket\r\n\r\n")));
        assertEquals(Http1State.SWITCHED, client.ourState());
        assertEquals(Http1State.SWITCHED, client.theirState());
        assertThrows(Http1Exception.class, () -> client.receiveData(ByteBuffer.allocate(1)));
        assertThrows(Http1Exception.class, client::receiveEof);
    }

    @Test
    void a101WithoutAnUpgradeRequestIsMalformed() {
        assertMalformed502("GET", "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    }

    @Test
    void a2xxToConnectOpensATunnel() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("CONNECT", "example.com:443", List.of(Http1Field.of("Host", "example.com:443")), true);
        List<Http1Event> events = client.receiveData(ByteBuffer.wrap(Wire.bytes(
                "HTTP/1.1 200 Connection Established\r\nContent-Length: 99\r\n\r\n\u0016\u0003\u0001")));
        assertEquals(BodyFraming.NONE, head(events, 0).framing());
        assertEquals("\u0016\u0003\u0001", Wire.trailing(events));
        assertEquals(Http1State.SWITCHED, client.theirState());
    }

    @Test
    void aRefusedConnectHasANormalBody() {
        List<Http1Event> events = fetchAllSplits("CONNECT",
                "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 4\r\n\r\nnope", false);
        assertEquals("nope", body(events));
        assertEquals(0, Wire.count(events, ProtocolSwitched.class));
    }

    @Test
    void aResponseWithoutFramingRunsUntilTheServerCloses() {
        List<Http1Event> events = fetchAllSplits("GET", "HTTP/1.1 200 OK\r\n\r\nall of this", true);
        assertEquals(BodyFraming.UNTIL_CLOSE, head(events, 0).framing());
        assertEquals("all of this", body(events));
        assertEquals(List.of(new EndOfMessage(), new ConnectionClosed()),
                events.subList(events.size() - 2, events.size()));
    }

    @Test
    void decodesChunkedResponsesWithTrailers() {
        List<Http1Event> events = fetchAllSplits("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n"
                + "Trailer: grpc-status\r\n\r\n3\r\nabc\r\n0\r\ngrpc-status: 0\r\n\r\n", false);
        assertEquals("abc", body(events));
        assertEquals(new Trailers(List.of(Http1Field.of("grpc-status", "0"))), events.get(events.size() - 2));
    }

    @Test
    void transferCodingsOtherThanChunkedAreRefused() {
        // Stricter than RFC 9112 §6.3 item 4 (which reads such a body until close): we never offer other codings.
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nxxx");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n");
    }

    @Test
    void responseFramingConflictsAreRefused() {
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\nabcd");
    }

    @Test
    void theEndOfStreamBeforeAnyResponseByteIsAConnectionClose() {
        assertEquals(List.of(new ConnectionClosed()), fetchAllSplits("GET", "", true));
    }

    @Test
    void theEndOfStreamInsideAResponseIsMalformed() {
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nContent-Le");
        assertMalformed502("GET", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
    }

    @Test
    void bytesWithoutAnOutstandingRequestAreMalformed() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        List<Http1Event> events = client.receiveData(ByteBuffer.wrap(Wire.bytes("HTTP/1.1 200 OK\r\n\r\n")));
        assertEquals(502, Wire.malformed(events).status());
        assertEquals(Http1State.ERROR, client.theirState());
        assertEquals(Http1State.MUST_CLOSE, client.ourState());
    }

    @Test
    void extraBytesAfterACompleteResponseAreMalformed() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/", List.of(Http1Field.of("Host", "a")), true);
        List<Http1Event> events = client.receiveData(ByteBuffer.wrap(Wire.bytes(
                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n\r\n")));
        assertEquals(new EndOfMessage(), events.get(events.size() - 1));
        assertEquals(Http1State.IDLE, client.ourState());
        assertEquals(502, Wire.malformed(client.pollEvents()).status());
    }
}
