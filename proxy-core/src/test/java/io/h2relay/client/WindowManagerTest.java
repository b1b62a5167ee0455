package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The window managers alone: hyper's refill-on-receipt algorithm and the credit-on-consumption default. */
class WindowManagerTest {

    @Test
    void refillOnReceiptReturnsNothingUntilTheWindowWouldDropBelowAQuarterThenRefillsToTheInitialSize() {
        WindowManager m = WindowManager.refillOnReceipt().create(65535, -1);
        int taken = 0;
        // 65535 / 4 = 16383: nothing while what is left stays at or above that.
        while (65535 - taken - 16000 >= 16383) {
            assertEquals(0, m.received(16000));
            taken += 16000;
        }
        int left = 65535 - taken - 16000;
        assertEquals(65535 - left, m.received(16000), "refilled to the initial size");
        assertEquals(65535, ((WindowManager.RefillingWindow) m).window());
        assertEquals(0, m.consumed(1_000_000), "reading changes nothing for hyper's manager");
    }

    @Test
    void refillOnReceiptAlsoRefillsBelowOneThousandOctetsForSmallWindows() {
        WindowManager m = WindowManager.refillOnReceipt().create(2000, -1);
        assertEquals(0, m.received(900)); // 1100 left: above both 500 and 1000
        assertEquals(2000 - 999, m.received(101)); // 999 left: below 1000
    }

    @Test
    void creditOnConsumptionNeverCreditsOnReceipt() {
        WindowManager m = WindowManager.creditOnConsumption().create(65535, -1);
        for (int i = 0; i < 3; i++) {
            assertEquals(0, m.received(16384));
        }
        assertEquals(0, m.received(16383));
        assertEquals(0, ((WindowManager.ConsumptionWindow) m).window(), "the whole window is out, none credited");
    }

    @Test
    void creditOnConsumptionCreditsInBatchesOfHalfTheWindow() {
        WindowManager m = WindowManager.creditOnConsumption().create(65536, -1);
        m.received(40000);
        assertEquals(0, m.consumed(20000));
        assertEquals(32768, m.consumed(12768), "half the window consumed: all of it credited");
        assertEquals(0, m.consumed(7232));
        assertEquals(65536 - 40000 + 32768, ((WindowManager.ConsumptionWindow) m).window());
    }

    @Test
    void creditOnConsumptionCreditsAtOnceWhenTheWindowIsEmpty() {
        WindowManager m = WindowManager.creditOnConsumption().create(1000, -1);
        m.received(1000);
        assertEquals(10, m.consumed(10), "an empty window waits for no batch");
    }
}
