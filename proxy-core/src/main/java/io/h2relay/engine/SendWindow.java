package io.h2relay.engine;

/**
 * What we may still send (RFC 9113 §6.9.1): the connection's or one stream's outbound window. It goes negative when
 * the peer shrinks SETTINGS_INITIAL_WINDOW_SIZE below what is in flight (§6.9.2), and may never pass 2^31-1.
 */
final class SendWindow {

    static final long MAX = Integer.MAX_VALUE;

    private long size;

    SendWindow(long initial) {
        this.size = initial;
    }

    long size() {
        return size;
    }

    /** The bytes a DATA frame may carry now (0 when the window is exhausted or negative). */
    int available() {
        return (int) Math.max(0, size);
    }

    void consume(int bytes) {
        size -= bytes;
    }

    /** False, and no change, when the increment would pass 2^31-1 (a FLOW_CONTROL_ERROR, §6.9.1). */
    boolean increment(long delta) {
        if (size + delta > MAX) {
            return false;
        }
        size += delta;
        return true;
    }
}
