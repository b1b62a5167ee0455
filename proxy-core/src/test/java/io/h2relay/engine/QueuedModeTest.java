package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static io.h2relay.engine.FrameFactory.with;
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
 * The queued send mode: DATA cut by priority within the windows, with drained/blocked/unblocked reports and no busy
 * loop on a zero window (ENGINE_PARITY rows 81-84 as engine signals, Twisted's defects t1/t2 fixed).
 */
class QueuedModeTest {

    private static Harness serverResponding(int... streams) {
        Harness h = Harness.server();
        for (int id : streams) {
            h.feed(h.peer.headers(id, REQUEST, true));
            h.conn.sendHeaders(id, RESPONSE, false);
        }
        h.output();
        return h;
    }

    private static List<Wire.Frame> data(List<Wire.Frame> frames) {
        return frames.stream().filter(f -> f.type() == FrameType.DATA).toList();
    }

    @Test
    void queuedDataGoesOutInFramesWithinTheWindowAndEndsTheStream() {
        Harness h = serverResponding(1);
        h.conn.queueData(1, ByteBuffer.allocate(40000), true);
        assertTrue(h.conn.hasDataToSend());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.DATA, FrameType.DATA, FrameType.DATA);
        assertEquals(16384, out.get(0).payload().length);
        assertEquals(40000 - 2 * 16384, out.get(2).payload().length);
        assertTrue(out.get(2).endStream());
        assertEquals(List.of(new Event.DataQueueDrained(1)), h.conn.pendingEvents());
        assertEquals(StreamState.CLOSED, h.conn.streamState(1));
    }

    @Test
    void framesAreViewsOfOneBufferOrGatheredFromSeveralInOrder() {
        Harness h = serverResponding(1);
        byte[] big = new byte[20000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) i;
        }
        h.conn.queueData(1, ByteBuffer.wrap(big), false); // one buffer: the first frame is a view, nothing gathered
        byte[] small = new byte[3000];
        for (int i = 0; i < 10; i++) {
            java.util.Arrays.fill(small, (byte) ('a' + i));
            h.conn.queueData(1, ByteBuffer.wrap(small.clone()), i == 9); // many small ones: gathered into frames
        }
        List<Wire.Frame> out = data(h.output());
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (Wire.Frame f : out) {
            assertTrue(f.payload().length <= 16384);
            all.writeBytes(f.payload());
        }
        byte[] got = all.toByteArray();
        assertEquals(20000 + 30000, got.length);
        assertEquals(16384, out.get(0).payload().length);
        for (int i = 0; i < big.length; i++) {
            assertEquals((byte) i, got[i], "byte " + i);
        }
        for (int i = 0; i < 30000; i++) {
            assertEquals((byte) ('a' + i / 3000), got[20000 + i], "byte " + (20000 + i));
        }
        assertTrue(out.get(out.size() - 1).endStream());
    }

    @Test
    void aStreamBlockedOnItsWindowIsReportedAndNeverSpins() {
        Harness h = Harness.server(H2Configuration.server());
        h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 5), h.peer.headers(1, REQUEST, true));
        h.conn.sendHeaders(1, RESPONSE, false);
        h.conn.queueData(1, ByteBuffer.wrap("helloworld".getBytes()), true);
        List<Wire.Frame> out = h.output();
        assertEquals("hello", new String(data(out).get(0).payload()));
        assertEquals(List.of(new Event.DataQueueBlocked(1, 5, false)), h.conn.pendingEvents());
        assertFalse(h.conn.hasDataToSend());
        assertEquals(0, h.conn.dataToSend().length);

        List<Event> events = h.feed(h.peer.windowUpdate(1, 50));
        assertEquals(List.of(new Event.WindowUpdated(1, 50), new Event.DataQueueUnblocked(1)), events);
        out = h.output();
        assertEquals("world", new String(data(out).get(0).payload()));
        assertTrue(data(out).get(0).endStream());
        assertEquals(List.of(new Event.DataQueueDrained(1)), h.conn.pendingEvents());
    }

    @Test
    void aSettingsWindowIncreaseUnblocksLikeAWindowUpdate() {
        Harness h = Harness.server(H2Configuration.server());
        h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 5), h.peer.headers(1, REQUEST, true));
        h.conn.sendHeaders(1, RESPONSE, false);
        h.conn.queueData(1, ByteBuffer.wrap("helloworld".getBytes()), false);
        h.output();
        h.conn.pendingEvents();
        List<Event> events = h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 1000));
        assertInstanceOf(Event.RemoteSettingsChanged.class, events.get(0));
        assertEquals(new Event.DataQueueUnblocked(1), events.get(1));
        assertEquals("world", new String(data(h.output()).get(0).payload()));
    }

    @Test
    void theConnectionWindowBlocksEveryoneOnce() {
        Harness h = serverResponding(1, 3);
        h.conn.queueData(1, ByteBuffer.allocate(70000), true);
        h.conn.queueData(3, ByteBuffer.allocate(10), true);
        List<Wire.Frame> out = h.output();
        int sent = data(out).stream().mapToInt(f -> f.payload().length).sum();
        assertEquals(65535, sent);
        List<Event> pending = h.conn.pendingEvents();
        assertTrue(pending.contains(new Event.DataQueueBlocked(0, 70010 - 65535, true)), pending.toString());
        assertFalse(h.conn.hasDataToSend());
        assertEquals(List.of(new Event.WindowUpdated(0, 10000), new Event.DataQueueUnblocked(0)),
                h.feed(h.peer.windowUpdate(0, 10000)));
        assertTrue(h.conn.hasDataToSend());
    }

    @Test
    void incrementalStreamsOfOneUrgencyTakeTurns() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, with(REQUEST, "priority", "i"), true),
                h.peer.headers(3, with(REQUEST, "priority", "i"), true));
        h.conn.sendHeaders(1, RESPONSE, false);
        h.conn.sendHeaders(3, RESPONSE, false);
        h.conn.queueData(1, ByteBuffer.allocate(30000), true);
        h.conn.queueData(3, ByteBuffer.allocate(30000), true);
        List<Integer> order = data(h.output()).stream().map(Wire.Frame::streamId).toList();
        assertEquals(List.of(1, 3, 1, 3), order);
    }

    @Test
    void dataToSendWithAMaximumCutsOnlyWhatFits() {
        Harness h = serverResponding(1);
        h.conn.queueData(1, ByteBuffer.allocate(60000), true);
        byte[] first = h.conn.dataToSend(100);
        assertEquals(100, first.length);
        assertTrue(h.conn.outboundBufferedBytes() <= 16384 + 9);
        int total = first.length;
        while (h.conn.hasDataToSend()) {
            byte[] chunk = h.conn.dataToSend(1000);
            assertTrue(chunk.length <= 1000);
            assertTrue(h.conn.outboundBufferedBytes() <= 16384 + 9);
            total += chunk.length;
        }
        assertEquals(60000 + 4 * 9, total);
    }

    @Test
    void trailersQueuedBehindDataFollowIt() {
        Harness h = serverResponding(1);
        h.conn.queueData(1, ByteBuffer.allocate(20000), false);
        h.conn.sendHeaders(1, headers("grpc-status", "0"), true);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.DATA, FrameType.DATA, FrameType.HEADERS);
        assertFalse(out.get(1).endStream());
        assertTrue(out.get(2).endStream());
        assertEquals("0", out.get(2).header("grpc-status"));
    }

    @Test
    void endStreamAfterQueuedDataRidesOnTheLastFrame() {
        Harness h = serverResponding(1);
        h.conn.queueData(1, ByteBuffer.allocate(10), false);
        h.conn.endStream(1);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.DATA);
        assertTrue(out.get(0).endStream());
        assertThrows(StreamClosedError.class, () -> h.conn.queueData(1, ByteBuffer.allocate(1), false));
    }

    @Test
    void anEmptyQueuedEndGoesOutAtOnce() {
        Harness h = serverResponding(1);
        h.conn.queueData(1, ByteBuffer.allocate(0), true);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.DATA);
        assertTrue(out.get(0).endStream());
    }

    @Test
    void aResetDropsTheQueue() {
        Harness h = serverResponding(1);
        h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 0));
        h.output();
        h.conn.queueData(1, ByteBuffer.allocate(100), true);
        h.conn.resetStream(1, ErrorCode.CANCEL.code());
        h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 65535));
        Wire.assertTypes(h.output(), FrameType.RST_STREAM, FrameType.SETTINGS);
        assertFalse(h.conn.hasDataToSend());
    }

    @Test
    void immediateSendsCannotOvertakeQueuedData() {
        Harness h = serverResponding(1);
        h.conn.queueData(1, ByteBuffer.allocate(100), false);
        assertThrows(ProtocolError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(1), false));
    }

    @Test
    void aPeerResetClearsTheQueue() {
        Harness h = serverResponding(1);
        h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 0));
        h.conn.queueData(1, ByteBuffer.allocate(100), true);
        h.feed(h.peer.rstStream(1, ErrorCode.CANCEL.code()));
        assertEquals(0, h.conn.sender.queuedTotal());
    }
}
