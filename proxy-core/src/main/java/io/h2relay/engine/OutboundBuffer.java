package io.h2relay.engine;

import io.h2relay.frame.FrameWriter;
import java.util.ArrayDeque;

/**
 * The bytes waiting for the socket, plus a count of the control frames among them that the peer made us owe (PING
 * and SETTINGS acknowledgements, RST_STREAM): a peer that sends those and never reads is flooding us
 * (CVE-2019-9512/9514/9515), and the count is what {@link AbuseLimits#maxQueuedControlFrames()} bounds.
 */
final class OutboundBuffer {

    final FrameWriter writer = new FrameWriter();
    /** Absolute end offsets (counted since the connection began) of the owed control frames still waiting. */
    private final ArrayDeque<Long> controlEnds = new ArrayDeque<>();
    private long taken;

    int size() {
        return writer.size();
    }

    /** Marks the frame just written as an owed control frame. */
    void controlWritten() {
        controlEnds.addLast(taken + writer.size());
    }

    int queuedControlFrames() {
        return controlEnds.size();
    }

    byte[] take(int max) {
        byte[] bytes = writer.take(max);
        taken += bytes.length;
        while (!controlEnds.isEmpty() && controlEnds.peekFirst() <= taken) {
            controlEnds.pollFirst();
        }
        return bytes;
    }

    void clear() {
        taken += writer.size();
        writer.clear();
        controlEnds.clear();
    }
}
