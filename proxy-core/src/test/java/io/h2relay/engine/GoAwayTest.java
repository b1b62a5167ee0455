package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** GOAWAY both ways, with the graceful drain h2 lacks (ENGINE_PARITY rows 57-59, deviation D8). */
class GoAwayTest {

    @Test
    void aReceivedGoAwayIsReportedWithItsFields() {
        Harness h = Harness.client();
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.goAway(0, 0xff, "bye")));
        assertEquals(255, t.errorCode());
        assertEquals(0, t.lastStreamId());
        assertEquals("bye", t.additionalData());
        assertTrue(t.remote());
        assertTrue(h.conn.goAwayReceived());
        assertNull(Harness.only(Event.ConnectionTerminated.class, h.feed(h.peer.goAway(0, 0, ""))).additionalData());
    }

    @Test
    void streamsUpToTheLastIdFinishAndNewerOnesAreReportedUnprocessed() {
        Harness h = Harness.client();
        h.conn.sendHeaders(1, REQUEST, true);
        h.conn.sendHeaders(3, REQUEST, true);
        h.output();
        List<Event> events = h.feed(h.peer.goAway(1, 0, ""));
        assertEquals(2, events.size(), events.toString());
        Event.StreamReset refused = assertInstanceOf(Event.StreamReset.class, events.get(1));
        assertEquals(3, refused.streamId());
        assertTrue(refused.refused());
        assertEquals(StreamState.CLOSED, h.conn.streamState(3));

        events = h.feed(h.peer.headers(1, RESPONSE, false), h.peer.data(1, new byte[] {7}, true));
        assertInstanceOf(Event.ResponseReceived.class, events.get(0));
        assertInstanceOf(Event.DataReceived.class, events.get(1));
        assertInstanceOf(Event.StreamEnded.class, events.get(2));
        assertThrows(ProtocolError.class, () -> h.conn.sendHeaders(5, REQUEST, true));
        assertEquals(0, h.conn.liveStreams());
    }

    @Test
    void afterOurGoAwayOldStreamsFinishAndNewOnesAreIgnored() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        h.conn.closeConnection();
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.GOAWAY);
        assertEquals(1, out.get(0).lastStreamId());
        assertEquals(0, out.get(0).errorCode());

        assertEquals(List.of(), h.feed(h.peer.headers(3, REQUEST, true)));
        assertEquals(StreamState.CLOSED, h.conn.streamState(3));
        List<Event> events = h.feed(h.peer.data(1, new byte[2], true));
        assertInstanceOf(Event.DataReceived.class, events.get(0));
        h.conn.sendHeaders(1, RESPONSE, true);
        Wire.assertTypes(h.output(), FrameType.HEADERS);
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void aTwoPhaseShutdownLowersTheLastStreamId() {
        Harness h = Harness.server();
        h.conn.closeConnection(0, "draining", Integer.MAX_VALUE);
        h.feed(h.peer.headers(1, REQUEST, true));
        h.conn.closeConnection(0, null, 1);
        List<Wire.Frame> out = h.output();
        assertEquals(Integer.MAX_VALUE, out.get(0).lastStreamId());
        assertEquals("draining", out.get(0).text());
        assertEquals(1, out.get(1).lastStreamId());
        assertThrows(IllegalArgumentException.class, () -> h.conn.closeConnection(0, null, 3));
    }

    @Test
    void aGoAwayThatRaisesTheLastStreamIdIsAProtocolError() {
        Harness h = Harness.client();
        h.feed(h.peer.goAway(1, 0, ""));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class, h.feed(h.peer.goAway(3, 0, "")));
        assertFalse(t.remote());
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void closingWithAnErrorEndsTheConnection() {
        Harness h = Harness.serverWithRequest(true);
        h.conn.closeConnection(ErrorCode.ENHANCE_YOUR_CALM.code(), "slow down", -1);
        Wire.Frame goAway = h.output().get(0);
        assertEquals(11, goAway.errorCode());
        assertEquals(1, goAway.lastStreamId());
        assertTrue(h.conn.isTerminated());
        assertThrows(ProtocolError.class, () -> h.conn.sendHeaders(1, RESPONSE, true));
        assertEquals(List.of(), h.feed(h.peer.ping(1)));
    }

    @Test
    void aConnectionErrorQueuesGoAwayAndStopsReading() {
        Harness h = Harness.serverWithRequest(false);
        // An HPACK index beyond both tables: COMPRESSION_ERROR (RFC 9113 §4.3; h2 said PROTOCOL_ERROR).
        List<Event> events = h.feed(h.peer.rawHeaders(3, 0x5, ByteBuffer.wrap(new byte[] {(byte) 0xfe})),
                h.peer.ping(5));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class, events);
        assertEquals(ErrorCode.COMPRESSION_ERROR.code(), t.errorCode());
        assertFalse(t.remote());
        assertEquals(1, t.lastStreamId());
        List<Wire.Frame> out = h.output();
        Wire.Frame last = out.get(out.size() - 1);
        assertEquals(FrameType.GOAWAY, last.type());
        assertEquals(ErrorCode.COMPRESSION_ERROR.code(), last.errorCode());
        assertTrue(last.text().startsWith("HPACK"), last.text());
        assertEquals(ConnectionState.CLOSED, h.conn.state());
        assertThrows(ProtocolError.class, () -> h.conn.ping(1));
        assertThrows(ProtocolError.class, h.conn::closeConnection);
        assertEquals(List.of(), h.feed(h.peer.ping(6)));
    }
}
