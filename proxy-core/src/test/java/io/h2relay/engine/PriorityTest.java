package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.priority.Priority;
import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7540 and RFC 9218 priority signals (h2's test_priority.py; ENGINE_PARITY rows 62, 63, 93). */
class PriorityTest {

    @Test
    void aPriorityFrameIsReportedEvenForAnIdleStream() {
        Harness h = Harness.server();
        Event.PriorityUpdated p = Harness.only(Event.PriorityUpdated.class, h.feed(h.peer.priority(5, 3, 100, true)));
        assertEquals(5, p.streamId());
        assertEquals(100, p.weight());
        assertEquals(3, p.dependsOn());
        assertTrue(p.exclusive());
        assertNull(p.fieldValue());
        assertNull(p.priority());
    }

    @Test
    void priorityBeforeHeadersIsAccepted() {
        Harness h = Harness.server(H2Configuration.builder(false).rfc7540Priorities(true).build());
        h.feed(h.peer.priority(5, 0, 200, false));
        List<Event> events = h.feed(h.peer.headers(5, REQUEST, true));
        assertEquals(Event.RequestReceived.class, events.get(0).getClass());
    }

    @Test
    void selfDependencyIsAStreamErrorOnAStreamAndAConnectionErrorWhenIdle() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, REQUEST, false));
        Event.StreamReset r = Harness.only(Event.StreamReset.class, h.feed(h.peer.priority(1, 1, 16, false)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), r.errorCode());
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.priority(9, 9, 16, false)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void headersDependingOnThemselvesResetTheStream() {
        Harness h = Harness.server();
        Event.StreamReset r = Harness.only(Event.StreamReset.class,
                h.feed(h.peer.headers(1, REQUEST, true, new PriorityFields(1, false, 16))));
        assertEquals(1, r.streamId());
    }

    @Test
    void onlyClientsPrioritizeAndWithinRange() {
        Harness s = Harness.server();
        assertThrows(Rfc1122Error.class, () -> s.conn.prioritize(1, 16, 0, false));
        Harness c = Harness.client();
        assertThrows(IllegalArgumentException.class, () -> c.conn.prioritize(1, 257, 0, false));
        assertThrows(IllegalArgumentException.class, () -> c.conn.prioritize(1, 0, 0, false));
        assertThrows(ProtocolError.class, () -> c.conn.prioritize(1, 16, 1, false));
        c.conn.prioritize(1, 256, 0, true);
        Wire.Frame f = c.output().get(0);
        assertEquals(FrameType.PRIORITY, f.type());
        assertEquals(new PriorityFields(0, true, 256), f.priority());
    }

    @Test
    void aClientMaySendPriorityOnHeaders() {
        Harness c = Harness.client();
        c.conn.sendHeaders(1, REQUEST, true, new PriorityFields(0, false, 64));
        assertEquals(new PriorityFields(0, false, 64), c.output().get(0).priority());
        Harness s = Harness.serverWithRequest(true);
        assertThrows(Rfc1122Error.class, () -> s.conn.sendHeaders(1, RESPONSE, true, new PriorityFields(0, false, 8)));
    }

    @Test
    void priorityUpdateReordersQueuedResponses() {
        Harness g = Harness.server();
        for (int id = 1; id <= 5; id += 2) {
            g.feed(g.peer.headers(id, REQUEST, true));
            g.conn.sendHeaders(id, RESPONSE, false);
            g.conn.queueData(id, ByteBuffer.allocate(100), true);
        }
        Event.PriorityUpdated p = Harness.only(Event.PriorityUpdated.class, g.feed(g.peer.priorityUpdate(5, "u=0")));
        assertEquals("u=0", p.fieldValue());
        assertEquals(Priority.of(0, false), p.priority());
        assertEquals(-1, p.weight());
        List<Wire.Frame> out = g.output();
        List<Integer> dataOrder = out.stream().filter(f -> f.type() == FrameType.DATA).map(Wire.Frame::streamId)
                .toList();
        assertEquals(List.of(5, 1, 3), dataOrder);
    }

    @Test
    void theRequestPriorityHeaderSetsTheInitialOrder() {
        Harness g = Harness.server();
        g.feed(g.peer.headers(1, REQUEST, true), g.peer.headers(3, FrameFactory.with(REQUEST, "priority", "u=1"),
                true));
        for (int id = 1; id <= 3; id += 2) {
            g.conn.sendHeaders(id, RESPONSE, false);
            g.conn.queueData(id, ByteBuffer.allocate(100), true);
        }
        List<Integer> dataOrder = g.output().stream().filter(f -> f.type() == FrameType.DATA)
                .map(Wire.Frame::streamId).toList();
        assertEquals(List.of(3, 1), dataOrder);
    }

    @Test
    void clientsSendPriorityUpdates() {
        Harness c = Harness.clientWithRequest(true);
        c.conn.updatePriority(1, "u=2, i");
        Wire.Frame f = c.output().get(0);
        assertEquals(FrameType.PRIORITY_UPDATE, f.type());
        assertEquals(1, f.promisedStreamId());
        assertEquals("u=2, i", f.text());
    }

    @Test
    void aServerIgnoresRfc7540SignalsFromAClientThatSaidItDoesNotUseThem() {
        Harness h = new Harness(H2Configuration.builder(false).rfc7540Priorities(true).build());
        h.conn.initiateConnection();
        h.feed(h.peer.preface(), h.peer.settings(SettingId.NO_RFC7540_PRIORITIES, 1), h.peer.settingsAck());
        assertTrue(h.feed(h.peer.priority(5, 0, 200, true)).isEmpty());
        List<Event> events = h.feed(h.peer.headers(1, REQUEST, true, new PriorityFields(0, true, 64)));
        assertEquals(2, events.size(), events.toString());
        Event.RequestReceived r = (Event.RequestReceived) events.get(0);
        assertNull(r.priorityUpdated());
        // The frame rules still hold: a stream depending on itself is still a stream error.
        Harness.only(Event.StreamReset.class, h.feed(h.peer.priority(1, 1, 16, false)));
    }

    @Test
    void serversMustNotSendPriorityUpdates() {
        Harness h = Harness.serverWithRequest(false);
        assertThrows(ProtocolError.class, () -> h.conn.updatePriority(1, "u=1"));
        assertEquals(0, h.conn.outboundBufferedBytes());
    }

    @Test
    void aClientReceivingAPriorityUpdateGoesAway() {
        Harness c = Harness.clientWithRequest(true);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                c.feed(c.peer.priorityUpdate(1, "u=1")));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void aPriorityUpdateForAPromisedPushStreamApplies() {
        Harness h = Harness.serverWithRequest(true);
        h.feed(h.peer.settings(SettingId.ENABLE_PUSH, 1));
        h.conn.pushStream(1, 2, FrameFactory.headers(":method", "GET", ":scheme", "https", ":authority",
                "example.com", ":path", "/pushed"));
        Event.PriorityUpdated p = Harness.only(Event.PriorityUpdated.class, h.feed(h.peer.priorityUpdate(2, "u=0")));
        assertEquals(2, p.streamId());
    }

    @Test
    void aPriorityUpdateForAClosedStreamIsDiscarded() {
        Harness h = Harness.serverWithRequest(true);
        h.conn.sendHeaders(1, RESPONSE, true);
        assertEquals(StreamState.CLOSED, h.conn.streamState(1));
        assertTrue(h.feed(h.peer.priorityUpdate(1, "u=0")).isEmpty());
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void idleStreamsNamedByPriorityUpdatesCountAgainstTheConcurrencyLimit() {
        Harness h = Harness.server(H2Configuration.builder(false).maxConcurrentStreams(2).build());
        h.feed(h.peer.priorityUpdate(1, "u=1"), h.peer.priorityUpdate(3, "u=2"), h.peer.priorityUpdate(3, "u=3"));
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.priorityUpdate(5, "u=1")));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
        assertTrue(t.additionalData().contains("SETTINGS_MAX_CONCURRENT_STREAMS"), t.additionalData());
    }

    @Test
    void aStreamThatOpensStopsCountingAsIdle() {
        Harness h = Harness.server(H2Configuration.builder(false).maxConcurrentStreams(2).build());
        h.feed(h.peer.priorityUpdate(1, "u=1"), h.peer.priorityUpdate(3, "u=2"), h.peer.headers(1, REQUEST, true));
        h.conn.sendHeaders(1, RESPONSE, true);
        // Stream 1 is done; only 3 is idle and named: 5 fits.
        Harness.only(Event.PriorityUpdated.class, h.feed(h.peer.priorityUpdate(5, "u=1")));
    }

    @Test
    void aClientKeepsItsPriorityUpdatesWithinThePeersLimits() {
        Harness c = Harness.client();
        c.feed(c.peer.settings(SettingId.MAX_CONCURRENT_STREAMS, 1));
        c.output();
        c.conn.updatePriority(1, "u=1");
        assertThrows(TooManyStreamsError.class, () -> c.conn.updatePriority(3, "u=1"));
        assertThrows(ProtocolError.class, () -> c.conn.updatePriority(2, "u=1"));
        assertThrows(IllegalArgumentException.class, () -> c.conn.updatePriority(1, "u=1\r\n"));
        Wire.assertTypes(c.output(), FrameType.PRIORITY_UPDATE);
    }

    @Test
    void aPriorityUpdateForAPushStreamIsAProtocolError() {
        Harness h = Harness.server();
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.priorityUpdate(2, "u=1")));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }
}
