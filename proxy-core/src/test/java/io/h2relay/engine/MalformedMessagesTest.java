package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.hpack.Header;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A malformed message is a stream error, never a connection error (RFC 9113 §8.1.1; ENGINE_PARITY rows 15-19, 27,
 * 16 and 89, deviation D1 from h2).
 */
class MalformedMessagesTest {

    private static final int PROTOCOL_ERROR = ErrorCode.PROTOCOL_ERROR.code();

    @Test
    void aBadRequestOnOneStreamLeavesTheOthersWorking() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, REQUEST, false));
        List<Event> events = h.feed(h.peer.headers(3, with(REQUEST, "Bad", "x"), true));
        Event.StreamReset reset = Harness.only(Event.StreamReset.class, events);
        assertEquals(3, reset.streamId());
        assertEquals(PROTOCOL_ERROR, reset.errorCode());
        assertFalse(reset.remoteReset());
        assertTrue(reset.reason().contains("malformed request"), reset.reason());
        List<Wire.Frame> out = h.output();
        // The request had END_STREAM, so the 400 closes the stream and no RST_STREAM follows.
        Wire.assertTypes(out, FrameType.HEADERS);
        assertEquals("400", out.get(0).header(":status"));
        assertTrue(out.get(0).endStream());
        assertEquals(StreamState.CLOSED, h.conn.streamState(3));

        List<Event> data = h.feed(h.peer.data(1, new byte[] {1}, true));
        assertInstanceOf(Event.DataReceived.class, data.get(0));
        assertFalse(h.conn.isTerminated());
        assertEquals(1, h.conn.abuseCounters().localResets());
    }

    @Test
    void anUnfinishedBadRequestGets400ThenProtocolErrorReset() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, with(REQUEST, "connection", "close"), false));
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.HEADERS, FrameType.RST_STREAM);
        assertEquals("400", out.get(0).header(":status"));
        assertEquals(PROTOCOL_ERROR, out.get(1).errorCode());
        // Its body, still in flight, is ignored (RFC 9113 §5.1 after our RST_STREAM) but credited.
        assertEquals(List.of(), h.feed(h.peer.data(1, new byte[100], true)));
    }

    @Test
    void withoutTheAutomaticResponseOnlyTheResetGoesOut() {
        Harness h = Harness.server(H2Configuration.builder(false).respondToMalformedRequests(false).build());
        h.feed(h.peer.headers(1, with(REQUEST, "te", "gzip"), true));
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.RST_STREAM);
        assertEquals(PROTOCOL_ERROR, out.get(0).errorCode());
    }

    @Test
    void aMalformedResponseResetsTheClientStream() {
        Harness h = Harness.clientWithRequest(true);
        Event.StreamReset reset = Harness.only(Event.StreamReset.class,
                h.feed(h.peer.headers(1, headers(":status", "200", ":path", "/"), false)));
        assertEquals(PROTOCOL_ERROR, reset.errorCode());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.RST_STREAM);
        assertEquals(PROTOCOL_ERROR, out.get(0).errorCode());
    }

    @Test
    void trailersWithoutEndStreamAreMalformed() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        Event.StreamReset reset = Harness.only(Event.StreamReset.class,
                h.feed(h.peer.headers(1, headers("x-trailer", "1"), false)));
        assertTrue(reset.reason().contains("trailers without END_STREAM"), reset.reason());
    }

    @Test
    void trailersWithPseudoHeadersAreMalformed() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        Event.StreamReset reset = Harness.only(Event.StreamReset.class,
                h.feed(h.peer.headers(1, headers(":path", "/"), true)));
        assertEquals(PROTOCOL_ERROR, reset.errorCode());
    }

    @Test
    void duplicateHostAndAuthorityMismatchAndEmptyPathAreMalformed() {
        List<List<Header>> bad = List.of(
                with(REQUEST, "host", "example.com", "host", "example.com"),
                with(REQUEST, "host", "other.example"),
                headers(":method", "GET", ":scheme", "https", ":authority", "a", ":path", ""));
        Harness h = Harness.server();
        int id = 1;
        for (List<Header> request : bad) {
            Event.StreamReset reset = Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(id, request, true)));
            assertEquals(id, reset.streamId());
            id += 2;
        }
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void connectPseudoHeaderRulesAreEnforced() {
        Harness h = Harness.server();
        List<List<Header>> bad = List.of(
                headers(":method", "CONNECT", ":authority", "a:443", ":path", "/"),
                headers(":method", "CONNECT", ":protocol", "websocket", ":authority", "a", ":path", "/"),
                with(REQUEST, ":protocol", "websocket"));
        int id = 1;
        for (List<Header> request : bad) {
            Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(id, request, true)));
            id += 2;
        }
        List<Event> ok = h.feed(h.peer.headers(id, headers(":method", "CONNECT", ":authority", "a:443"), false));
        assertInstanceOf(Event.RequestReceived.class, ok.get(0));
    }

    @Test
    void extendedConnectIsAcceptedOnceWeEnabledIt() {
        Harness h = Harness.server(H2Configuration.builder(false).enableConnectProtocol(true).build());
        List<Event> events = h.feed(h.peer.headers(1, headers(":method", "CONNECT", ":protocol", "websocket",
                ":scheme", "https", ":authority", "a", ":path", "/chat"), false));
        assertInstanceOf(Event.RequestReceived.class, events.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+15", "15 ", "0xF", "1e2", "-1", ""})
    void badContentLengthsAreMalformed(String value) {
        Harness h = Harness.server();
        Event.StreamReset reset = Harness.only(Event.StreamReset.class,
                h.feed(h.peer.headers(1, with(POST, "content-length", value), false)));
        assertEquals(PROTOCOL_ERROR, reset.errorCode());
    }

    @Test
    void conflictingContentLengthsAreMalformed() {
        Harness h = Harness.server();
        Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(1,
                with(POST, "content-length", "5", "content-length", "6"), false)));
    }

    @Test
    void equalDuplicateContentLengthsAreAccepted() {
        Harness h = Harness.server();
        List<Event> events = h.feed(h.peer.headers(1, with(POST, "content-length", "2", "content-length", "2"),
                false), h.peer.data(1, new byte[2], true));
        assertInstanceOf(Event.RequestReceived.class, events.get(0));
        assertInstanceOf(Event.DataReceived.class, events.get(1));
    }

    @Test
    void aBodyLongerThanDeclaredIsMalformed() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, with(POST, "content-length", "3"), false));
        Event.StreamReset reset = Harness.only(Event.StreamReset.class, h.feed(h.peer.data(1, new byte[4], false)));
        assertTrue(reset.reason().contains("content-length 3"), reset.reason());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.HEADERS, FrameType.RST_STREAM);
    }

    @Test
    void aBodyShorterThanDeclaredIsMalformed() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, with(POST, "content-length", "3"), false), h.peer.data(1, new byte[1], false));
        Harness.only(Event.StreamReset.class, h.feed(h.peer.data(1, new byte[1], true)));
    }

    @Test
    void endingWithoutTheDeclaredBodyIsMalformed() {
        Harness h = Harness.server();
        Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(1, with(POST, "content-length", "3"), true)));
    }

    @Test
    void aHeadResponseDeclaresALengthButCarriesNoBody() {
        Harness h = Harness.client();
        h.conn.sendHeaders(1, headers(":method", "HEAD", ":scheme", "https", ":authority", "a", ":path", "/"), true);
        List<Event> events = h.feed(h.peer.headers(1, with(RESPONSE, "content-length", "1000"), true));
        Event.ResponseReceived r = assertInstanceOf(Event.ResponseReceived.class, events.get(0));
        assertEquals(1, r.headers().size() - 1);

        h.conn.sendHeaders(3, headers(":method", "HEAD", ":scheme", "https", ":authority", "a", ":path", "/"), true);
        h.feed(h.peer.headers(3, with(RESPONSE, "content-length", "1000"), false));
        Event.StreamReset reset = Harness.only(Event.StreamReset.class, h.feed(h.peer.data(3, new byte[1], true)));
        assertEquals(3, reset.streamId());
    }

    @Test
    void dataBeforeTheResponseHeadersIsMalformed() {
        Harness h = Harness.clientWithRequest(true);
        Harness.only(Event.StreamReset.class, h.feed(h.peer.data(1, new byte[1], false)));
    }

    @Test
    void aHeaderListOverTheLimitGets431() {
        Harness h = Harness.server(H2Configuration.builder(false).maxHeaderListSize(300).build());
        Event.StreamReset reset = Harness.only(Event.StreamReset.class,
                h.feed(h.peer.headers(1, with(REQUEST, "x-big", "v".repeat(300)), false)));
        assertTrue(reset.reason().contains("header list"), reset.reason());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.HEADERS, FrameType.RST_STREAM);
        assertEquals("431", out.get(0).header(":status"));
        assertEquals(ErrorCode.NO_ERROR.code(), out.get(1).errorCode());
        assertEquals(1, h.conn.abuseCounters().oversizedHeaderLists());
        // The HPACK context stayed in sync: the next request on the connection decodes.
        assertInstanceOf(Event.RequestReceived.class, h.feed(h.peer.headers(3, REQUEST, true)).get(0));
    }

    @Test
    void tooManyFieldsCountAsOversizedCookieCrumbsIncluded() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxHeaderCount(10).build()).build());
        List<Header> request = new java.util.ArrayList<>(REQUEST);
        for (int i = 0; i < 7; i++) {
            request.add(Header.of("cookie", "c" + i + "=1"));
        }
        Event.StreamReset reset = Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(1, request, true)));
        assertTrue(reset.reason().contains("10 fields"), reset.reason());
        assertEquals("431", h.output().get(0).header(":status"));
    }

    @Test
    void inboundCookiesAreJoinedAndNeverIndexed() {
        Harness h = Harness.server();
        Event.RequestReceived r = assertInstanceOf(Event.RequestReceived.class,
                h.feed(h.peer.headers(1, with(REQUEST, "cookie", "a=1", "cookie", "b=2"), true)).get(0));
        Header cookie = r.headers().stream().filter(x -> x.name().equals("cookie")).findFirst().orElseThrow();
        assertEquals("a=1; b=2", cookie.value());
        assertTrue(cookie.neverIndexed());
    }

    @Test
    void withValidationOffAnUppercaseNameIsDelivered() {
        Harness h = Harness.server(H2Configuration.builder(false).validateInboundHeaders(false).build());
        Event.RequestReceived r = assertInstanceOf(Event.RequestReceived.class,
                h.feed(h.peer.headers(1, with(REQUEST, "X-Upper", "1"), true)).get(0));
        assertEquals("X-Upper", r.headers().get(4).name());
    }
}
