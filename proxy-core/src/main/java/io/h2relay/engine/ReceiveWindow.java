package io.h2relay.engine;

/**
 * What the peer may still send us, with python h2's automatic WINDOW_UPDATE policy ({@code h2.windows.WindowManager},
 * reproduced exactly: ENGINE_PARITY §1.9, row 42). The application reports bytes it has processed; an update is due
 * once processed bytes reach half the window's maximum, or, when the window is exactly empty, once they pass
 * min(1024, max/4).
 */
final class ReceiveWindow {

    private long current;
    private long max;
    private long processed;

    ReceiveWindow(int initial) {
        this.current = initial;
        this.max = initial;
    }

    long current() {
        return current;
    }

    long max() {
        return max;
    }

    long processed() {
        return processed;
    }

    /** The peer sent {@code bytes}; false, with no change, when that is more than the window allowed (§6.9.1). */
    boolean consume(int bytes) {
        if (bytes > current) {
            return false;
        }
        current -= bytes;
        return true;
    }

    /** We sent a WINDOW_UPDATE ourselves; false, with no change, when the window would pass 2^31-1. */
    boolean opened(long increment) {
        if (current + increment > SendWindow.MAX) {
            return false;
        }
        current += increment;
        max = Math.max(max, current);
        return true;
    }

    /**
     * Our SETTINGS_INITIAL_WINDOW_SIZE changed by {@code delta} (RFC 9113 §6.9.2, stream windows only); false, with no
     * change, on overflow.
     */
    boolean initialSizeChanged(long delta) {
        if (current + delta > SendWindow.MAX) {
            return false;
        }
        current += delta;
        max += delta;
        return true;
    }

    /** Adds processed bytes and returns the WINDOW_UPDATE increment now due, or 0. */
    int process(int bytes) {
        processed += bytes;
        return update();
    }

    /** Adds processed bytes without deciding (the outbound buffer is full: updates are withheld). */
    void defer(int bytes) {
        processed += bytes;
    }

    /** h2's {@code _maybe_update_window}: the increment due now, or 0. */
    int update() {
        if (processed == 0) {
            return 0;
        }
        long maxIncrement = max - current;
        long increment = 0;
        if ((current == 0 && processed > Math.min(1024, max / 4)) || processed >= max / 2) {
            increment = Math.min(processed, maxIncrement);
            processed = 0;
        }
        current += increment;
        return (int) increment;
    }
}
