package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.SettingId;
import io.h2relay.hpack.Header;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What goes out: normalization, validation, and validation before any state moves (ENGINE_PARITY rows 20-24). */
class OutboundHeadersTest {

    private static final List<Header> WEBSOCKET = headers(":method", "CONNECT", ":protocol", "websocket",
            ":scheme", "https", ":authority", "example.com", ":path", "/chat");

    @Test
    void extendedConnectNeedsThePeersSetting() {
        Harness h = Harness.client();
        assertThrows(InvalidHeadersError.class, () -> h.conn.sendHeaders(1, WEBSOCKET, false));
        assertEquals(0, h.conn.outboundBufferedBytes());
        assertEquals(StreamState.IDLE, h.conn.streamState(1));
        h.feed(h.peer.settings(SettingId.ENABLE_CONNECT_PROTOCOL, 1));
        h.output();
        h.conn.sendHeaders(1, WEBSOCKET, false);
        assertEquals("websocket", h.output().get(0).header(":protocol"));
    }

    @Test
    void connectionHeadersAreDroppedAndValuesTrimmed() {
        Harness h = Harness.serverWithRequest(true);
        h.conn.sendHeaders(1, with(RESPONSE, "Connection", "close", "X-Up", " v "), true);
        Wire.Frame f = h.output().get(0);
        assertNull(f.header("connection"));
        assertEquals("v", f.header("x-up"));
    }

    @Test
    void crlfInAValueIsRefusedAndNothingIsWritten() {
        Harness h = Harness.serverWithRequest(true);
        assertThrows(InvalidHeadersError.class,
                () -> h.conn.sendHeaders(1, with(RESPONSE, "x-injected", "a\r\nset-cookie: b"), true));
        assertThrows(InvalidHeadersError.class, () -> h.conn.sendHeaders(1, with(RESPONSE, "", "empty"), true));
        assertEquals(0, h.conn.outboundBufferedBytes());
    }

    @Test
    void aFailedSendHeadersLeavesStreamAndHpackUntouched() {
        Harness h = Harness.client();
        assertThrows(InvalidHeadersError.class, () -> h.conn.sendHeaders(1, with(REQUEST, "x", "a\u0000b"), true));
        assertEquals(StreamState.IDLE, h.conn.streamState(1));
        assertEquals(1, h.conn.nextAvailableStreamId());
        assertEquals(0, h.conn.encoder.dynamicTableSize());
        h.conn.sendHeaders(1, with(REQUEST, "x-ok", "1"), true);
        Wire.Frame f = h.output().get(0);
        assertEquals("1", f.header("x-ok"));
        assertEquals(StreamState.HALF_CLOSED_LOCAL, h.conn.streamState(1));
    }

    @Test
    void secretsAreNeverIndexed() {
        Harness h = Harness.client();
        h.conn.sendHeaders(1, with(REQUEST, "authorization", "Bearer x", "cookie", "short=1"), true);
        Wire.Frame f = h.output().get(0);
        for (Header header : f.headers()) {
            if (header.name().equals("authorization") || header.name().equals("cookie")) {
                assertTrue(header.neverIndexed(), header.toString());
            }
        }
    }

    @Test
    void theNeverIndexedFlagOfAFieldIsKept() {
        Harness h = Harness.client();
        h.conn.sendHeaders(1, List.of(Header.of(":method", "GET"), Header.of(":scheme", "https"),
                Header.of(":authority", "a"), Header.of(":path", "/"), new Header("x-secret", "s", true)), true);
        Header secret = h.output().get(0).headers().get(4);
        assertTrue(secret.neverIndexed());
    }

    @Test
    void cookiesAreSplitWhenAsked() {
        Harness h = Harness.client(H2Configuration.builder(true).splitOutboundCookies(true).build());
        h.conn.sendHeaders(1, with(REQUEST, "cookie", "a=1; b=2"), true);
        long cookies = h.output().get(0).headers().stream().filter(x -> x.name().equals("cookie")).count();
        assertEquals(2, cookies);
    }

    @Test
    void withValidationAndNormalizationOffBlocksGoOutAsGiven() {
        Harness h = Harness.client(H2Configuration.builder(true).validateOutboundHeaders(false)
                .normalizeOutboundHeaders(false).build());
        h.conn.sendHeaders(1, with(REQUEST, "X-Mixed", "v"), true);
        assertEquals("X-Mixed", h.output().get(0).headers().get(4).name());
    }

    @Test
    void trailersMustEndTheStream() {
        Harness h = Harness.clientWithRequest(false);
        assertThrows(ProtocolError.class, () -> h.conn.sendHeaders(1, headers("x-t", "1"), false));
        assertThrows(InvalidHeadersError.class, () -> h.conn.sendHeaders(1, headers(":path", "/"), true));
        h.conn.sendHeaders(1, headers("x-t", "1"), true);
        Wire.Frame f = h.output().get(0);
        assertTrue(f.endStream());
        assertFalse(h.conn.isTerminated());
    }
}
