package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.FrameType;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bounded outbound buffer (ENGINE_PARITY row 66; h2's unbounded buffer fixed, CVE-2019-9517). */
class BackpressureTest {

    private static Harness smallBuffer() {
        return Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxOutboundBufferBytes(20000).build()).build());
    }

    @Test
    void aFullBufferPausesAndRefusesApplicationSends() {
        Harness h = smallBuffer();
        h.feed(h.peer.headers(1, POST, false));
        h.conn.sendHeaders(1, RESPONSE, false);
        h.conn.sendData(1, ByteBuffer.allocate(16384), false);
        assertFalse(h.conn.outboundPaused());
        h.conn.sendData(1, ByteBuffer.allocate(16384), false);
        assertTrue(h.conn.outboundPaused());
        int before = h.conn.outboundBufferedBytes();
        assertThrows(OutboundBufferFullError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(1), false));
        assertThrows(OutboundBufferFullError.class, () -> h.conn.ping(1));
        assertEquals(before, h.conn.outboundBufferedBytes());
        assertTrue(before <= 20000 + 16384 + 9);
        h.conn.dataToSend(before - 100);
        assertFalse(h.conn.outboundPaused());
        h.conn.sendData(1, ByteBuffer.allocate(1), false);
    }

    @Test
    void automaticWindowUpdatesWaitWhilePaused() {
        Harness h = smallBuffer();
        h.feed(h.peer.headers(1, POST, false));
        for (int i = 0; i < 3; i++) {
            h.feed(h.peer.data(1, new byte[16000], false));
        }
        h.conn.sendHeaders(1, RESPONSE, false);
        h.conn.sendData(1, ByteBuffer.allocate(16384), false);
        h.conn.sendData(1, ByteBuffer.allocate(16384), false);
        int buffered = h.conn.outboundBufferedBytes();
        h.conn.acknowledgeReceivedData(48000, 1);
        assertEquals(buffered, h.conn.outboundBufferedBytes());
        assertEquals(65535 - 48000, h.conn.inboundFlowControlWindow());

        List<Wire.Frame> out = h.wire.read(h.conn.dataToSend());
        long updates = out.stream().filter(f -> f.type() == FrameType.WINDOW_UPDATE).count();
        assertEquals(0, updates);
        out = h.output(); // draining released the withheld updates
        Wire.assertTypes(out, FrameType.WINDOW_UPDATE, FrameType.WINDOW_UPDATE);
        assertEquals(48000, out.get(0).value());
        assertEquals(65535, h.conn.inboundFlowControlWindow());
    }

    @Test
    void peerProvokedControlFramesAreBoundedByCount() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxQueuedControlFrames(50).build()).build());
        for (int i = 0; i < 50; i++) {
            h.feed(h.peer.ping(i));
        }
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class, h.feed(h.peer.ping(99)));
        assertEquals(11, t.errorCode());
        assertTrue(t.additionalData().contains("not reading"), t.additionalData());
        assertTrue(h.conn.outboundBufferedBytes() < 51 * 17 + 200);
    }

    @Test
    void drainingTheControlFramesResetsTheCount() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxQueuedControlFrames(10).build()).build());
        for (int round = 0; round < 5; round++) {
            for (int i = 0; i < 10; i++) {
                h.feed(h.peer.ping(i));
            }
            h.conn.dataToSend();
        }
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void partialDrainsReleaseExactlyTheControlFramesWritten() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxQueuedControlFrames(50).build()).build());
        for (int i = 0; i < 40; i++) {
            h.feed(h.peer.ping(i)); // each answered with a 17-byte PING ACK
        }
        h.conn.dataToSend(17 * 25 + 5); // 25 ACKs out, the 26th cut: still waiting
        for (int i = 0; i < 35; i++) {
            h.feed(h.peer.ping(i));
        }
        assertFalse(h.conn.isTerminated()); // 15 + 35 waiting
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class, h.feed(h.peer.ping(99)));
        assertTrue(t.additionalData().contains("not reading"), t.additionalData());
    }

    @Test
    void dataToSendIntoABufferWritesWhatTheArrayFormWould() {
        Harness a = Harness.server();
        Harness b = Harness.server();
        for (Harness h : List.of(a, b)) {
            h.feed(h.peer.headers(1, POST, false), h.peer.ping(7));
            h.conn.sendHeaders(1, RESPONSE, false);
            h.conn.queueData(1, ByteBuffer.allocate(40000), true);
        }
        ByteBuffer chunk = ByteBuffer.allocate(1000);
        java.io.ByteArrayOutputStream viaBuffer = new java.io.ByteArrayOutputStream();
        int n;
        do {
            chunk.clear();
            n = b.conn.dataToSend(chunk);
            viaBuffer.write(chunk.array(), 0, n);
            assertTrue(b.conn.outboundBufferedBytes() <= 16384 + 9, "cut only while less than 1000 bytes wait");
        } while (n > 0);
        assertArrayEquals(a.conn.dataToSend(), viaBuffer.toByteArray());
        assertEquals(StreamState.HALF_CLOSED_LOCAL, b.conn.streamState(1)); // our END_STREAM went out
    }

    @Test
    void aConsumerThatWithholdsAcknowledgementStopsThePeerThenCreditsEverythingAtOnce() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        int received = 0;
        for (int i = 0; i < 4; i++) {
            received += Harness.only(Event.DataReceived.class, h.feed(h.peer.data(1, new byte[16383], false)))
                    .flowControlledLength();
        }
        h.feed(h.peer.data(1, new byte[3], false));
        received += 3;
        assertEquals(0, h.conn.remoteFlowControlWindow(1));
        assertEquals(0, h.conn.outboundBufferedBytes());
        // A sixth frame would overflow the window: the peer is stopped until the consumer catches up.
        h.conn.acknowledgeReceivedData(received, 1);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.WINDOW_UPDATE, FrameType.WINDOW_UPDATE);
        assertEquals(65535, out.get(0).value());
        assertEquals(65535, out.get(1).value());
    }

    @Test
    void acknowledgingAfterTheConnectionFailedIsHarmless() {
        Harness h = Harness.server();
        List<Event> events = h.feed(h.peer.headers(1, POST, false), h.peer.data(1, new byte[10], false),
                h.peer.windowUpdate(0, 0));
        Event.DataReceived d = (Event.DataReceived) events.get(1);
        h.conn.acknowledgeReceivedData(d.flowControlledLength(), 1);
        assertTrue(h.conn.isTerminated());
    }
}
