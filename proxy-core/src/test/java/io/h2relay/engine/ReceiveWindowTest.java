package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** h2's WindowManager thresholds, with the figures measured from h2 4.4.1 (ENGINE_PARITY §1.9, §9 e1, row 42). */
class ReceiveWindowTest {

    @Test
    void halfTheWindowProcessedTriggersAnUpdate() {
        ReceiveWindow w = new ReceiveWindow(65535);
        assertTrue(w.consume(40000));
        assertEquals(0, w.process(32766));
        assertEquals(32767, w.process(1));
        assertEquals(25535 + 32767, w.current());
    }

    @Test
    void anEmptyWindowUpdatesOnceMoreThan1024BytesAreProcessed() {
        ReceiveWindow w = new ReceiveWindow(65535);
        assertTrue(w.consume(65535));
        assertEquals(0, w.process(1024));
        assertEquals(1025, w.process(1));
        assertEquals(1025, w.current());
    }

    @Test
    void aSmallEmptyWindowUsesAQuarterAsItsThreshold() {
        ReceiveWindow w = new ReceiveWindow(100);
        assertTrue(w.consume(100));
        assertEquals(0, w.process(25));
        assertEquals(26, w.process(1));
    }

    @Test
    void theIncrementNeverExceedsWhatTheWindowLacks() {
        ReceiveWindow w = new ReceiveWindow(100);
        assertTrue(w.consume(10));
        // 60 processed (more than consumed, e.g. a caller acknowledging bytes from a closed stream) but only 10 lack
        assertEquals(10, w.process(60));
        assertEquals(100, w.current());
        assertEquals(0, w.processed());
    }

    @Test
    void consumingMoreThanTheWindowIsRefusedWithoutChange() {
        ReceiveWindow w = new ReceiveWindow(10);
        assertFalse(w.consume(11));
        assertEquals(10, w.current());
        assertTrue(w.consume(10));
        assertFalse(w.consume(1));
    }

    @Test
    void manualOpeningRaisesTheMaximumAndRejectsOverflow() {
        ReceiveWindow w = new ReceiveWindow(65535);
        assertTrue(w.opened(100000));
        assertEquals(165535, w.max());
        assertFalse(w.opened(Integer.MAX_VALUE));
        assertEquals(165535, w.current());
    }

    @Test
    void deferredBytesAreDecidedLater() {
        ReceiveWindow w = new ReceiveWindow(65535);
        assertTrue(w.consume(40000));
        w.defer(40000);
        assertEquals(40000, w.processed());
        assertEquals(40000, w.update());
    }

    @Test
    void initialSizeChangesMoveCurrentAndMaximum() {
        ReceiveWindow w = new ReceiveWindow(65535);
        assertTrue(w.initialSizeChanged(-65535));
        assertEquals(0, w.current());
        assertEquals(0, w.max());
        assertFalse(w.initialSizeChanged(Integer.MAX_VALUE + 1L));
    }

    @Test
    void sendWindowsGoNegativeButNeverPast2To31Minus1() {
        SendWindow w = new SendWindow(10);
        w.consume(10);
        assertTrue(w.increment(-5));
        assertEquals(-5, w.size());
        assertEquals(0, w.available());
        assertTrue(w.increment(Integer.MAX_VALUE));
        assertEquals(Integer.MAX_VALUE - 5L, w.size());
        assertFalse(w.increment(6));
        assertTrue(w.increment(5));
    }
}
