package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.headers;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.FrameType;
import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9113 §8.1.1 on the way out: DATA that does not add up to the content-length we declared is refused with
 * {@link InvalidBodyLengthError} before anything is written, so the engine never sends a malformed message (h2 only
 * checks what it receives).
 */
class OutboundContentLengthTest {

    private static final List<Header> FIVE = headers(":status", "200", "content-length", "5");

    private static Harness responding(List<Header> request) {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, request, true));
        h.output();
        return h;
    }

    private static void assertNothingWritten(Harness h, int window) {
        assertEquals(0, h.conn.outboundBufferedBytes());
        assertEquals(window, h.conn.localFlowControlWindow(1));
    }

    @Test
    void sendingMoreThanTheDeclaredLengthIsRefusedBeforeAnythingIsWritten() {
        Harness h = responding(REQUEST);
        h.conn.sendHeaders(1, FIVE, false);
        h.conn.sendData(1, ByteBuffer.allocate(3), false);
        h.output();
        InvalidBodyLengthError e = assertThrows(InvalidBodyLengthError.class,
                () -> h.conn.sendData(1, ByteBuffer.allocate(3), false));
        assertEquals(5, e.expected());
        assertEquals(6, e.actual());
        assertNothingWritten(h, 65535 - 3);
        h.conn.sendData(1, ByteBuffer.allocate(2), true);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.DATA);
        assertTrue(out.get(0).endStream());
    }

    @Test
    void endingShortOfTheDeclaredLengthIsRefused() {
        Harness h = responding(REQUEST);
        h.conn.sendHeaders(1, FIVE, false);
        h.output();
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(3), true));
        assertNothingWritten(h, 65535);
        h.conn.sendData(1, ByteBuffer.allocate(3), false);
        h.output();
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.endStream(1));
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.sendHeaders(1, headers("x-t", "1"), true));
        assertNothingWritten(h, 65535 - 3);
        assertEquals(StreamState.HALF_CLOSED_REMOTE, h.conn.streamState(1));
    }

    @Test
    void headersEndingTheStreamCannotDeclareABody() {
        Harness h = responding(REQUEST);
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.sendHeaders(1, FIVE, true));
        assertNothingWritten(h, 65535);
        // Nothing moved, the HPACK context included: the same block goes out and decodes.
        h.conn.sendHeaders(1, FIVE, false);
        assertEquals("5", h.output().get(0).header("content-length"));
    }

    @Test
    void queuedDataIsCheckedWhenQueued() {
        Harness h = responding(REQUEST);
        h.conn.sendHeaders(1, FIVE, false);
        h.output();
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.queueData(1, ByteBuffer.allocate(6), false));
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.queueData(1, ByteBuffer.allocate(4), true));
        assertEquals(0, h.conn.queuedData(1));
        h.conn.queueData(1, ByteBuffer.allocate(4), false);
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.queueData(1, ByteBuffer.allocate(2), false));
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.endStream(1));
        assertThrows(InvalidBodyLengthError.class, () -> h.conn.sendHeaders(1, headers("x-t", "1"), true));
        h.conn.queueData(1, ByteBuffer.allocate(1), false);
        h.conn.sendHeaders(1, headers("x-t", "1"), true);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.DATA, FrameType.HEADERS);
        assertEquals(5, out.get(0).payload().length);
        assertEquals(StreamState.CLOSED, h.conn.streamState(1));
    }

    @Test
    void responsesThatHaveNoContentCarryNoneWhateverTheyDeclare() {
        // RFC 9110 §6.4.1: a response to HEAD, a 204 and a 304 have no content; content-length describes another.
        Harness head = responding(headers(":method", "HEAD", ":scheme", "https", ":authority", "example.com",
                ":path", "/"));
        head.conn.sendHeaders(1, headers(":status", "200", "content-length", "100"), true);
        Harness notModified = responding(REQUEST);
        notModified.conn.sendHeaders(1, headers(":status", "304", "content-length", "100"), false);
        assertThrows(InvalidBodyLengthError.class,
                () -> notModified.conn.sendData(1, ByteBuffer.allocate(1), true));
        notModified.conn.endStream(1);
    }

    @Test
    void aClientRequestBodyIsHeldToItsLengthToo() {
        Harness c = Harness.client();
        c.conn.sendHeaders(1, with(POST, "content-length", "4"), false);
        assertThrows(InvalidBodyLengthError.class, () -> c.conn.sendData(1, ByteBuffer.allocate(5), true));
        c.conn.sendData(1, ByteBuffer.allocate(4), true);
        assertEquals(StreamState.HALF_CLOSED_LOCAL, c.conn.streamState(1));
    }

    @Test
    void tunnelBytesAfterA2xxToConnectAreNotContentEitherWay() {
        // RFC 9110 §8.6 forbids content-length on a 2xx to CONNECT; if one comes anyway, DATA is still tunnel bytes.
        List<Header> connect = headers(":method", "CONNECT", ":authority", "example.com:443");
        Harness client = Harness.client();
        client.conn.sendHeaders(1, connect, false);
        client.output();
        client.feed(client.peer.headers(1, headers(":status", "200", "content-length", "0"), false));
        Harness.only(Event.DataReceived.class, client.feed(client.peer.data(1, new byte[5], false)));

        Harness server = responding(connect);
        server.conn.sendHeaders(1, headers(":status", "200", "content-length", "0"), false);
        server.conn.sendData(1, ByteBuffer.allocate(5), false);
    }

    @Test
    void withoutContentLengthAnyBodyGoes() {
        Harness h = responding(REQUEST);
        h.conn.sendHeaders(1, headers(":status", "200"), false);
        h.conn.sendData(1, ByteBuffer.allocate(7), false);
        h.conn.queueData(1, ByteBuffer.allocate(9), true);
        h.output();
        assertEquals(StreamState.CLOSED, h.conn.streamState(1));
    }
}
