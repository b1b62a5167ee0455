package io.h2relay.engine;

import io.h2relay.frame.FrameWriter;
import java.nio.ByteBuffer;

/**
 * The bytes waiting for the socket, plus a count of the control frames among them that the peer made us owe (PING
 * and SETTINGS acknowledgements, RST_STREAM): a peer that sends those and never reads is flooding us
 * (CVE-2019-9512/9514/9515), and the count is what {@link AbuseLimits#maxQueuedControlFrames()} bounds.
 */
final class OutboundBuffer {

    final FrameWriter writer = new FrameWriter();

    /** Shrinks the writer's buffer back to its initial size if nothing is waiting ({@link FrameWriter#trim}). */
    void trim() {
        writer.trim();
    }
    /**
     * Absolute end offsets (counted since the connection began) of the owed control frames still waiting, oldest
     * first: a ring of primitive longs, so counting a PING ACK or RST_STREAM boxes nothing.
     */
    private long[] controlEnds = new long[16];
    private int head;
    private int count;
    private long taken;

    int size() {
        return writer.size();
    }

    /** Marks the frame just written as an owed control frame. */
    void controlWritten() {
        if (count == controlEnds.length) {
            long[] bigger = new long[count * 2];
            for (int i = 0; i < count; i++) {
                bigger[i] = controlEnds[(head + i) % count];
            }
            controlEnds = bigger;
            head = 0;
        }
        controlEnds[(head + count) % controlEnds.length] = taken + writer.size();
        count++;
    }

    int queuedControlFrames() {
        return count;
    }

    byte[] take(int max) {
        byte[] bytes = writer.take(max);
        taken(bytes.length);
        return bytes;
    }

    /** Moves as many waiting bytes as fit into {@code out}, copying once; returns how many. */
    int drainTo(ByteBuffer out) {
        int n = writer.drainTo(out);
        taken(n);
        return n;
    }

    private void taken(int n) {
        taken += n;
        while (count > 0 && controlEnds[head] <= taken) {
            head = (head + 1) % controlEnds.length;
            count--;
        }
    }

    void clear() {
        taken += writer.size();
        writer.clear();
        head = 0;
        count = 0;
    }
}
