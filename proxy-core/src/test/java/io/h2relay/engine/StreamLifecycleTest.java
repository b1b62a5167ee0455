package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Stream identifiers, concurrency limits, resets and closed-stream memory (h2's test_closed_streams.py and
 * test_invalid_frame_sequences.py; ENGINE_PARITY rows 11, 51-56).
 */
class StreamLifecycleTest {

    @Test
    void aServerReceivingAnEvenStreamFailsTheConnection() {
        Harness h = Harness.server();
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.headers(2, REQUEST, true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void reusingALowerStreamIdIsAConnectionError() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(5, REQUEST, true));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.headers(3, REQUEST, true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
        assertTrue(t.additionalData().contains("not above"), t.additionalData());
        List<Wire.Frame> out = h.output();
        assertEquals(FrameType.GOAWAY, out.get(out.size() - 1).type());
        assertEquals(5, out.get(out.size() - 1).lastStreamId());
    }

    @Test
    void localStreamIdRulesAreChecked() {
        Harness h = Harness.client();
        assertThrows(ProtocolError.class, () -> h.conn.sendHeaders(2, REQUEST, true));
        h.conn.sendHeaders(5, REQUEST, true);
        assertThrows(StreamIdTooLowError.class, () -> h.conn.sendHeaders(3, REQUEST, true));
        assertEquals(7, h.conn.nextAvailableStreamId());
        Harness server = Harness.server();
        assertThrows(NoSuchStreamError.class, () -> server.conn.sendHeaders(2, RESPONSE, true));
    }

    @Test
    void streamIdsRunOutAt2To31Minus1() {
        Harness h = Harness.client();
        h.conn.sendHeaders(Integer.MAX_VALUE, REQUEST, true);
        assertThrows(NoAvailableStreamIdError.class, h.conn::nextAvailableStreamId);
    }

    @Test
    void thePeersConcurrencyLimitIsEnforcedOnUsAndWritesNothing() {
        Harness h = Harness.client();
        h.feed(h.peer.settings(SettingId.MAX_CONCURRENT_STREAMS, 1));
        h.output();
        h.conn.sendHeaders(1, REQUEST, false);
        h.output();
        assertThrows(TooManyStreamsError.class, () -> h.conn.sendHeaders(3, REQUEST, false));
        assertEquals(0, h.conn.outboundBufferedBytes());
        assertEquals(3, h.conn.nextAvailableStreamId());
        h.conn.endStream(1);
        h.feed(h.peer.headers(1, RESPONSE, true));
        h.conn.sendHeaders(3, REQUEST, false);
        assertEquals(1, h.conn.openOutboundStreams());
    }

    @Test
    void streamsOverOurConcurrencyLimitAreRefusedOneByOne() {
        Harness h = Harness.server();
        for (int i = 0; i < 100; i++) {
            h.feed(h.peer.headers(1 + 2 * i, REQUEST, false));
        }
        assertEquals(100, h.conn.openInboundStreams());
        assertEquals(List.of(), h.feed(h.peer.headers(201, REQUEST, false)));
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.RST_STREAM);
        assertEquals(ErrorCode.REFUSED_STREAM.code(), out.get(0).errorCode());
        assertEquals(201, out.get(0).streamId());
        assertFalse(h.conn.isTerminated());
        assertEquals(1, h.conn.abuseCounters().refusedStreams());
        // The refused stream's body is ignored; a stream freed by completion lets the next one in.
        assertEquals(List.of(), h.feed(h.peer.data(201, new byte[5], true)));
        h.feed(h.peer.data(1, new byte[0], true));
        h.conn.sendHeaders(1, RESPONSE, true);
        assertInstanceOf(Event.RequestReceived.class, h.feed(h.peer.headers(203, REQUEST, false)).get(0));
    }

    @Test
    void closedStreamsAreReapedEagerly() {
        Harness h = Harness.server();
        for (int i = 0; i < 10_000; i++) {
            int id = 1 + 2 * i;
            h.feed(h.peer.headers(id, REQUEST, true));
            h.conn.sendHeaders(id, RESPONSE, true);
            h.conn.dataToSend();
        }
        assertEquals(0, h.conn.liveStreams());
        assertEquals(0, h.conn.openInboundStreams());
    }

    @Test
    void lateFramesAreJudgedByWhatClosedTheStream() {
        // After our RST_STREAM: ignored.
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        h.conn.resetStream(1, ErrorCode.CANCEL.code());
        h.output();
        assertEquals(List.of(), h.feed(h.peer.headers(1, FrameFactory.headers("x", "1"), true)));
        assertFalse(h.conn.isTerminated());

        // After END_STREAM both ways: a connection error STREAM_CLOSED.
        Harness e = Harness.server();
        e.feed(e.peer.headers(1, REQUEST, true));
        e.conn.sendHeaders(1, RESPONSE, true);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                e.feed(e.peer.headers(1, FrameFactory.headers("x", "1"), true)));
        assertEquals(ErrorCode.STREAM_CLOSED.code(), t.errorCode());
    }

    @Test
    void forgottenStreamsAreProtocolErrors() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxClosedStreams(2).build()).build());
        for (int id = 1; id <= 7; id += 2) {
            h.feed(h.peer.headers(id, REQUEST, true));
            h.conn.sendHeaders(id, RESPONSE, true);
        }
        assertEquals(StreamState.CLOSED, h.conn.streamState(1));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.data(1, new byte[1], true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void framesOnIdleStreamsAreConnectionErrors() {
        for (byte[] frame : List.of(new FrameFactory().rstStream(7, 0), new FrameFactory().data(7, new byte[1], false),
                new FrameFactory().windowUpdate(7, 1))) {
            Harness h = Harness.server();
            h.feed(h.peer.headers(1, REQUEST, true));
            Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class, h.feed(frame));
            assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
        }
    }

    @Test
    void unknownResetCodesAreKeptAndRepeatedResetsTolerated() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        Event.StreamReset r = Harness.only(Event.StreamReset.class, h.feed(h.peer.rstStream(1, 0xff)));
        assertEquals(255, r.errorCode());
        assertTrue(r.remoteReset());
        assertEquals(List.of(), h.feed(h.peer.rstStream(1, 0x8)));
        assertEquals(List.of(), h.feed(h.peer.windowUpdate(1, 100)));
        assertEquals(0, h.output().size());
        assertThrows(StreamClosedError.class, () -> h.conn.sendHeaders(1, RESPONSE, true));
        assertThrows(StreamClosedError.class, () -> h.conn.resetStream(1));
    }

    @Test
    void sendingOnAClosedStreamIsAStreamClosedError() {
        Harness h = Harness.serverWithRequest(true);
        h.conn.sendHeaders(1, RESPONSE, true);
        StreamClosedError e = assertThrows(StreamClosedError.class,
                () -> h.conn.sendData(1, ByteBuffer.allocate(1), false));
        assertEquals(ErrorCode.STREAM_CLOSED.code(), e.errorCode());
        assertThrows(StreamClosedError.class, () -> h.conn.endStream(1));
        assertThrows(NoSuchStreamError.class, () -> h.conn.endStream(9));
    }

    @Test
    void dataAfterThePeersEndStreamIsAStreamError() {
        Harness h = Harness.serverWithRequest(true);
        Event.StreamReset r = Harness.only(Event.StreamReset.class, h.feed(h.peer.data(1, new byte[1], false)));
        assertEquals(ErrorCode.STREAM_CLOSED.code(), r.errorCode());
        assertFalse(r.remoteReset());
        Wire.assertTypes(h.output(), FrameType.RST_STREAM);
    }

    @Test
    void aClientThatEndedItsSideCannotSendMore() {
        Harness h = Harness.clientWithRequest(true);
        assertThrows(StreamClosedError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(1), false));
        assertEquals(StreamState.HALF_CLOSED_LOCAL, h.conn.streamState(1));
    }
}
