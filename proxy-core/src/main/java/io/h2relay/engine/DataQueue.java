package io.h2relay.engine;

import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The queued-mode send queue of one stream: caller buffers (kept as views, not copied), then optionally END_STREAM
 * or a trailer section, released by the scheduler as flow-control windows allow.
 */
final class DataQueue {

    private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
    private long bytes;
    /** END_STREAM goes with the last DATA frame (or an empty one) once the bytes are out. */
    boolean endStream;
    /** Validated trailers to encode after the last DATA frame; they carry END_STREAM. */
    List<Header> trailers;

    void add(ByteBuffer data) {
        if (data.hasRemaining()) {
            chunks.addLast(data.slice());
            bytes += data.remaining();
        }
    }

    long bytes() {
        return bytes;
    }

    /** Nothing left to send, not even END_STREAM or trailers. */
    boolean isEmpty() {
        return bytes == 0 && !endStream && trailers == null;
    }

    /** Bytes in the first queued buffer: a frame no larger than this is a view of it, without gathering. */
    int firstChunkBytes() {
        ByteBuffer first = chunks.peekFirst();
        return first == null ? 0 : first.remaining();
    }

    /**
     * Removes the next {@code n} bytes ({@code n <= bytes()}): a view of the first chunk when it holds them all,
     * else a copy gathered into {@code scratch}, which must have room for {@code n}.
     */
    ByteBuffer take(int n, ByteBuffer scratch) {
        bytes -= n;
        ByteBuffer first = chunks.peekFirst();
        if (first.remaining() >= n) {
            ByteBuffer slice = first.slice(first.position(), n);
            first.position(first.position() + n);
            if (!first.hasRemaining()) {
                chunks.pollFirst();
            }
            return slice;
        }
        scratch.clear();
        while (scratch.position() < n) {
            ByteBuffer chunk = chunks.peekFirst();
            int k = Math.min(chunk.remaining(), n - scratch.position());
            scratch.put(scratch.position(), chunk, chunk.position(), k);
            scratch.position(scratch.position() + k);
            chunk.position(chunk.position() + k);
            if (!chunk.hasRemaining()) {
                chunks.pollFirst();
            }
        }
        return scratch.flip();
    }

    void clear() {
        chunks.clear();
        bytes = 0;
        endStream = false;
        trailers = null;
    }
}
