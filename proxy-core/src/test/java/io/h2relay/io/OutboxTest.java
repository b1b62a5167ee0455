package io.h2relay.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

class OutboxTest {

    private static final ByteString A = ByteString.fromString("a");
    private static final ByteString B = ByteString.fromString("bb");
    private static final ByteString C = ByteString.fromString("ccc");

    @Test
    void writesWhileOneIsInFlightJoinTheNextWrite() {
        Outbox out = new Outbox(false);
        assertSame(A, out.offer(A));
        assertNull(out.offer(B));
        assertNull(out.offer(C));
        assertEquals(5, out.pendingBytes());
        assertEquals(ByteString.fromString("bbccc"), out.acked());
        assertNull(out.acked());
        assertFalse(out.inFlight());
        assertEquals(2, out.socketWrites());
    }

    @Test
    void aHeldOutboxQueuesUntilTheFirstAck() {
        Outbox out = new Outbox(true);
        assertNull(out.offer(A));
        assertTrue(out.inFlight());
        assertEquals(A, out.acked());
        assertEquals(1, out.socketWrites());
    }

    @Test
    void closeBecomesDueOnceTheQueueHasDrainedAndOnlyOnce() {
        Outbox out = new Outbox(false);
        out.offer(A);
        out.offer(B);
        out.requestClose();
        assertFalse(out.closeDue(), "a write is in flight");
        assertNull(out.offer(C), "writes after close are dropped");
        assertEquals(B, out.acked());
        assertFalse(out.closeDue(), "the coalesced write is in flight");
        assertNull(out.acked());
        assertTrue(out.closeDue());
        assertFalse(out.closeDue());
    }

    @Test
    void dropForgetsQueuedBytesAndNeverClosesGracefully() {
        Outbox out = new Outbox(false);
        out.offer(A);
        out.offer(B);
        out.drop();
        assertEquals(0, out.pendingBytes());
        assertNull(out.acked());
        assertFalse(out.closeDue());
    }

    @Test
    void emptyWritesAreNotSocketWrites() {
        Outbox out = new Outbox(false);
        assertNull(out.offer(ByteString.emptyByteString()));
        assertEquals(0, out.socketWrites());
    }
}
