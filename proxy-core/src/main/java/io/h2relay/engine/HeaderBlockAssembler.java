package io.h2relay.engine;

import io.h2relay.frame.PriorityFields;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Joins a HEADERS or PUSH_PROMISE fragment with its CONTINUATION frames (RFC 9113 §6.10) into one field block, so
 * HPACK decodes it once, whole. The caps on frames and bytes are checked by the caller before each append: a
 * CONTINUATION flood is refused before anything is decompressed. The buffer is reused from block to block.
 */
final class HeaderBlockAssembler {

    /** Grows by doubling; most request and response blocks fit in 256 bytes once HPACK has indexed their fields. */
    /** Allocated on the first block that needs CONTINUATION: most connections never send one. */
    private byte[] buffer = new byte[0];
    private int length;

    private boolean active;
    private int streamId;
    private boolean pushPromise;
    private int promisedStreamId;
    private boolean endStream;
    private PriorityFields priority;
    private int continuations;

    boolean active() {
        return active;
    }

    int streamId() {
        return streamId;
    }

    boolean pushPromise() {
        return pushPromise;
    }

    int promisedStreamId() {
        return promisedStreamId;
    }

    boolean endStream() {
        return endStream;
    }

    PriorityFields priority() {
        return priority;
    }

    int continuations() {
        return continuations;
    }

    int length() {
        return length;
    }

    void startHeaders(int streamId, boolean endStream, PriorityFields priority, ByteBuffer fragment) {
        start(streamId, false, 0, endStream, priority, fragment);
    }

    void startPushPromise(int streamId, int promisedStreamId, ByteBuffer fragment) {
        start(streamId, true, promisedStreamId, false, null, fragment);
    }

    private void start(int streamId, boolean pushPromise, int promisedStreamId, boolean endStream,
            PriorityFields priority, ByteBuffer fragment) {
        this.active = true;
        this.streamId = streamId;
        this.pushPromise = pushPromise;
        this.promisedStreamId = promisedStreamId;
        this.endStream = endStream;
        this.priority = priority;
        this.continuations = 0;
        this.length = 0;
        append(fragment);
    }

    void continuation(ByteBuffer fragment) {
        continuations++;
        append(fragment);
    }

    private void append(ByteBuffer fragment) {
        int n = fragment.remaining();
        if (length + n > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(Math.max(length + n, 256), buffer.length * 2));
        }
        fragment.get(fragment.position(), buffer, length, n);
        length += n;
    }

    /** The whole block; valid until the next start. Ends the block. */
    ByteBuffer finish() {
        active = false;
        return ByteBuffer.wrap(buffer, 0, length);
    }
}
