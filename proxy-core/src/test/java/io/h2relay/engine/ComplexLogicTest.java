package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** h2's test_complex_logic.py and test_stream_reset.py, and the max-frame-size cases of test_basic_logic.py. */
class ComplexLogicTest {

    @Test
    void openStreamsAreCountedPerSide() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, REQUEST, true), h.peer.headers(3, POST, false), h.peer.headers(5, REQUEST, true));
        assertEquals(3, h.conn.openInboundStreams());
        h.conn.pushStream(1, 2, REQUEST);
        assertEquals(0, h.conn.openOutboundStreams()); // reserved streams do not count (RFC 9113 §5.1.2)
        h.conn.sendHeaders(2, RESPONSE, false);
        assertEquals(1, h.conn.openOutboundStreams());
        h.conn.sendHeaders(1, RESPONSE, true);
        h.feed(h.peer.rstStream(3, ErrorCode.CANCEL.code()));
        assertEquals(1, h.conn.openInboundStreams());
        assertEquals(2, h.conn.liveStreams()); // 5 and 2 remain
    }

    @Test
    void anUnknownFrameInsideAHeaderBlockIsAConnectionError() {
        Harness h = Harness.server();
        ByteBuffer block = h.peer.block(REQUEST);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.rawHeaders(1, 0x1, block.slice(0, 3)), h.peer.unknown(0x40, 0, 0, new byte[1])));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void dataInsideAHeaderBlockIsAConnectionError() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        ByteBuffer block = h.peer.block(REQUEST);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.rawHeaders(3, 0x1, block.slice(0, 3)), h.peer.data(1, new byte[1], false)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void severalBlocksInARowEachJoinTheirContinuations() {
        Harness h = Harness.server();
        List<Event> events = h.feed(h.peer.headersSplit(1, REQUEST, true, 4), h.peer.headersSplit(3, REQUEST, true, 7));
        assertEquals(4, events.size());
        assertEquals(3, assertInstanceOf(Event.RequestReceived.class, events.get(2)).streamId());
    }

    @Test
    void aPushOnAParentTheServerEndedIsAConnectionOrStreamErrorByItsState() {
        Harness h = Harness.clientWithRequest(true);
        h.feed(h.peer.headers(1, RESPONSE, true));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.pushPromise(1, 2, REQUEST)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());

        Harness half = Harness.clientWithRequest(false);
        half.feed(half.peer.headers(1, RESPONSE, true));
        Event.StreamReset r = Harness.only(Event.StreamReset.class, half.feed(half.peer.pushPromise(1, 2, REQUEST)));
        assertEquals(1, r.streamId());
        assertEquals(ErrorCode.STREAM_CLOSED.code(), r.errorCode());
        Wire.assertTypes(half.output(), FrameType.RST_STREAM, FrameType.RST_STREAM);
    }

    @Test
    void headersOnAResetStreamStillFeedTheHpackContext() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        h.conn.resetStream(1, ErrorCode.CANCEL.code());
        // The trailers index "x-state: shared" in the peer's table; the next request refers to it by index.
        assertEquals(List.of(), h.feed(h.peer.headers(1, headers("x-state", "shared"), true)));
        Event.RequestReceived r = assertInstanceOf(Event.RequestReceived.class,
                h.feed(h.peer.headers(3, with(REQUEST, "x-state", "shared"), true)).get(0));
        assertEquals("shared", r.headers().get(4).value());
    }

    @Test
    void thePeersMaxFrameSizeGovernsWhatWeSend() {
        Harness h = Harness.serverWithRequest(true);
        assertThrows(FrameTooLargeError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(16385), false));
        h.feed(h.peer.settings(SettingId.MAX_FRAME_SIZE, 20000), h.peer.windowUpdate(0, 100_000));
        h.conn.sendHeaders(1, RESPONSE, false);
        h.conn.sendData(1, ByteBuffer.allocate(20000), false);
        assertThrows(FrameTooLargeError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(20001), false));
        h.conn.queueData(1, ByteBuffer.allocate(30000), true);
        List<Wire.Frame> out = h.output().stream().filter(f -> f.type() == FrameType.DATA).toList();
        assertEquals(20000, out.get(0).payload().length);
        assertEquals(20000, out.get(1).payload().length);
        assertTrue(out.get(2).endStream());
    }

    @Test
    void aResetPushedStreamIsForgottenAndItsLateFramesIgnored() {
        Harness h = Harness.clientWithRequest(true);
        h.feed(h.peer.pushPromise(1, 2, REQUEST));
        h.conn.resetStream(2, ErrorCode.CANCEL.code());
        assertEquals(List.of(), h.feed(h.peer.headers(2, RESPONSE, false), h.peer.data(2, new byte[10], true)));
        assertInstanceOf(Event.ResponseReceived.class, h.feed(h.peer.headers(1, RESPONSE, true)).get(0));
    }
}
