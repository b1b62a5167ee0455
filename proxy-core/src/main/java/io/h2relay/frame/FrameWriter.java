package io.h2relay.frame;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Serializes frames (RFC 9113 §4.1, §6) into one reusable, growable buffer. Writing a frame allocates nothing
 * unless the buffer has to grow; {@link #take} hands the waiting bytes out as the next socket write.
 *
 * <p>Payload arguments are read from their position to their limit and left untouched (position unchanged), so a
 * caller may keep or reuse them. Arguments that would make a frame the peer must reject (stream 0 for a stream
 * frame, a weight outside 1..256, an increment of 0, more than 255 octets of padding) throw
 * IllegalArgumentException and write nothing; {@link #unknown} writes any frame as given, for tests and extensions.
 * Padding is zeros, as RFC 9113 §6.1 requires of senders; the overloads taking a padding buffer exist to reproduce
 * a received frame byte for byte.
 */
public final class FrameWriter {

    private static final int MAX_LENGTH = FrameReader.MAX_ALLOWED_FRAME_SIZE;
    private static final int MAX_STREAM_ID = Integer.MAX_VALUE;
    /** {@link #trim()} leaves buffers up to this size alone. */
    static final int TRIM_ABOVE = 16 * 1024;

    private byte[] buf;
    private final int initialCapacity;
    private int start;
    private int end;

    /** Starts at 1 KiB: a busy connection grows it within its first writes, an idle one keeps no more than it used. */
    public FrameWriter() {
        this(1024);
    }

    public FrameWriter(int initialCapacity) {
        this.initialCapacity = Math.max(initialCapacity, FrameReader.HEADER_LENGTH);
        buf = new byte[this.initialCapacity];
    }

    /**
     * Gives back what the buffer grew to past {@link #TRIM_ABOVE} (DATA frames are copied into it, so a burst of large
     * responses can grow it to a megabyte) when nothing is waiting: for a connection that goes idle, so that idle
     * connections do not keep their largest burst's buffer. Smaller growth is kept (small exchanges would otherwise
     * shrink and regrow it every time). Nothing happens while bytes are waiting.
     */
    public void trim() {
        if (start == end && buf.length > TRIM_ABOVE) {
            buf = new byte[initialCapacity];
            start = 0;
            end = 0;
        }
    }

    /** The buffer's current size, for tests. */
    int capacity() {
        return buf.length;
    }

    // ---------------------------------------------------------------------------------------------------- frames

    /**
     * One DATA frame (RFC 9113 §6.1). The caller keeps it within the peer's SETTINGS_MAX_FRAME_SIZE and its flow
     * control windows; the flow-controlled length is {@code data.remaining() + (padLength > 0 ? padLength + 1 : 0)}.
     *
     * @param padLength 0 = not padded, else 1..255 octets of zero padding
     */
    public void data(int streamId, ByteBuffer data, boolean endStream, int padLength) {
        checkPadLength(padLength);
        data(streamId, data, endStream, padLength, null);
    }

    /** DATA with the given padding octets (null = not padded; an empty buffer = PADDED with pad length 0). */
    public void data(int streamId, ByteBuffer data, boolean endStream, ByteBuffer padding) {
        data(streamId, data, endStream, padding == null ? 0 : checkPadding(padding), padding);
    }

    private void data(int streamId, ByteBuffer data, boolean endStream, int padLength, ByteBuffer padding) {
        checkStream(streamId, "DATA");
        boolean padded = padding != null || padLength > 0;
        int length = checkLength((long) data.remaining() + (padded ? 1 + padLength : 0));
        int flags = (endStream ? Flags.END_STREAM : 0) | (padded ? Flags.PADDED : 0);
        ensure(FrameReader.HEADER_LENGTH + length);
        header(length, FrameType.DATA, flags, streamId);
        if (padded) {
            buf[end++] = (byte) padLength;
        }
        bytes(data);
        padding(padLength, padding);
    }

    /**
     * A field block as HEADERS plus as many CONTINUATION frames as it needs, none longer than {@code maxFrameSize}
     * (RFC 9113 §6.2, §6.10): END_STREAM on the HEADERS frame, END_HEADERS on the last frame.
     *
     * @param priority null = no PRIORITY flag
     * @param padLength 0 = not padded, else 1..255 octets of zero padding in the HEADERS frame
     */
    public void headers(int streamId, ByteBuffer block, boolean endStream, PriorityFields priority, int padLength,
            int maxFrameSize) {
        checkPadLength(padLength);
        headers(streamId, block, endStream, priority, padLength, null, maxFrameSize);
    }

    /** HEADERS (+ CONTINUATION) with the given padding octets (null = not padded). */
    public void headers(int streamId, ByteBuffer block, boolean endStream, PriorityFields priority,
            ByteBuffer padding, int maxFrameSize) {
        headers(streamId, block, endStream, priority, padding == null ? 0 : checkPadding(padding), padding,
                maxFrameSize);
    }

    private void headers(int streamId, ByteBuffer block, boolean endStream, PriorityFields priority, int padLength,
            ByteBuffer padding, int maxFrameSize) {
        checkStream(streamId, "HEADERS");
        boolean padded = padding != null || padLength > 0;
        int fixed = (padded ? 1 + padLength : 0) + (priority != null ? 5 : 0);
        int first = firstFragment(block.remaining(), fixed, maxFrameSize);
        int flags = (endStream ? Flags.END_STREAM : 0) | (padded ? Flags.PADDED : 0)
                | (priority != null ? Flags.PRIORITY : 0) | (first == block.remaining() ? Flags.END_HEADERS : 0);
        ensure(FrameReader.HEADER_LENGTH + fixed + first);
        header(fixed + first, FrameType.HEADERS, flags, streamId);
        if (padded) {
            buf[end++] = (byte) padLength;
        }
        if (priority != null) {
            priorityFields(priority);
        }
        bytes(block, 0, first);
        padding(padLength, padding);
        continuations(streamId, block, first, maxFrameSize);
    }

    /**
     * A field block as PUSH_PROMISE plus CONTINUATION frames as needed (RFC 9113 §6.6, §6.10), END_HEADERS on the
     * last.
     */
    public void pushPromise(int streamId, int promisedStreamId, ByteBuffer block, int maxFrameSize) {
        pushPromise(streamId, promisedStreamId, block, 0, null, maxFrameSize);
    }

    /** PUSH_PROMISE with {@code padLength} octets of zero padding (0 = not padded). */
    public void pushPromise(int streamId, int promisedStreamId, ByteBuffer block, int padLength, int maxFrameSize) {
        checkPadLength(padLength);
        pushPromise(streamId, promisedStreamId, block, padLength, null, maxFrameSize);
    }

    /** PUSH_PROMISE with the given padding octets (null = not padded). */
    public void pushPromise(int streamId, int promisedStreamId, ByteBuffer block, ByteBuffer padding,
            int maxFrameSize) {
        pushPromise(streamId, promisedStreamId, block, padding == null ? 0 : checkPadding(padding), padding,
                maxFrameSize);
    }

    private void pushPromise(int streamId, int promisedStreamId, ByteBuffer block, int padLength, ByteBuffer padding,
            int maxFrameSize) {
        checkStream(streamId, "PUSH_PROMISE");
        if (promisedStreamId <= 0 || (promisedStreamId & 1) != 0) {
            throw new IllegalArgumentException("promised stream must be even and positive: " + promisedStreamId);
        }
        boolean padded = padding != null || padLength > 0;
        int fixed = (padded ? 1 + padLength : 0) + 4;
        int first = firstFragment(block.remaining(), fixed, maxFrameSize);
        int flags = (padded ? Flags.PADDED : 0) | (first == block.remaining() ? Flags.END_HEADERS : 0);
        ensure(FrameReader.HEADER_LENGTH + fixed + first);
        header(fixed + first, FrameType.PUSH_PROMISE, flags, streamId);
        if (padded) {
            buf[end++] = (byte) padLength;
        }
        int32(promisedStreamId);
        bytes(block, 0, first);
        padding(padLength, padding);
        continuations(streamId, block, first, maxFrameSize);
    }

    /** One CONTINUATION frame (RFC 9113 §6.10); {@link #headers} and {@link #pushPromise} split blocks themselves. */
    public void continuation(int streamId, ByteBuffer fragment, boolean endHeaders) {
        checkStream(streamId, "CONTINUATION");
        int length = checkLength(fragment.remaining());
        ensure(FrameReader.HEADER_LENGTH + length);
        header(length, FrameType.CONTINUATION, endHeaders ? Flags.END_HEADERS : 0, streamId);
        bytes(fragment);
    }

    /** RFC 9113 §6.3. */
    public void priority(int streamId, PriorityFields priority) {
        checkStream(streamId, "PRIORITY");
        ensure(FrameReader.HEADER_LENGTH + 5);
        header(5, FrameType.PRIORITY, 0, streamId);
        priorityFields(priority);
    }

    /** RFC 9113 §6.4; the error code is written as given (unknown codes included). */
    public void rstStream(int streamId, int errorCode) {
        checkStream(streamId, "RST_STREAM");
        ensure(FrameReader.HEADER_LENGTH + 4);
        header(4, FrameType.RST_STREAM, 0, streamId);
        int32(errorCode);
    }

    /** RFC 9113 §6.5: the parameters in the order they were put. */
    public void settings(Settings settings) {
        for (int i = 0; i < settings.size(); i++) {
            try {
                Settings.validate(settings.idAt(i), settings.valueAt(i));
            } catch (FrameException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        int length = checkLength(6L * settings.size());
        ensure(FrameReader.HEADER_LENGTH + length);
        header(length, FrameType.SETTINGS, 0, 0);
        for (int i = 0; i < settings.size(); i++) {
            int id = settings.idAt(i);
            buf[end++] = (byte) (id >>> 8);
            buf[end++] = (byte) id;
            int32((int) settings.valueAt(i));
        }
    }

    public void settingsAck() {
        ensure(FrameReader.HEADER_LENGTH);
        header(0, FrameType.SETTINGS, Flags.ACK, 0);
    }

    /** RFC 9113 §6.7. */
    public void ping(boolean ack, long opaqueData) {
        ensure(FrameReader.HEADER_LENGTH + 8);
        header(8, FrameType.PING, ack ? Flags.ACK : 0, 0);
        int32((int) (opaqueData >>> 32));
        int32((int) opaqueData);
    }

    /** RFC 9113 §6.8. */
    public void goAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
        if (lastStreamId < 0) {
            throw new IllegalArgumentException("last stream id must be 0..2^31-1: " + lastStreamId);
        }
        int debugLength = debugData == null ? 0 : debugData.remaining();
        int length = checkLength(8L + debugLength);
        ensure(FrameReader.HEADER_LENGTH + length);
        header(length, FrameType.GOAWAY, 0, 0);
        int32(lastStreamId);
        int32(errorCode);
        if (debugData != null) {
            bytes(debugData);
        }
    }

    /** RFC 9113 §6.9: stream 0 for the connection window; the increment must be 1..2^31-1. */
    public void windowUpdate(int streamId, int increment) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be 0..2^31-1: " + streamId);
        }
        if (increment <= 0) {
            throw new IllegalArgumentException("window increment must be 1..2^31-1: " + increment);
        }
        ensure(FrameReader.HEADER_LENGTH + 4);
        header(4, FrameType.WINDOW_UPDATE, 0, streamId);
        int32(increment);
    }

    /**
     * RFC 7838 §4: on stream 0 the origin names what the alternative applies to; on a stream it is empty (the
     * stream's origin). Both strings are octets (chars up to 0xff).
     */
    public void altSvc(int streamId, String origin, String fieldValue) {
        if (streamId < 0) {
            throw new IllegalArgumentException("stream id must be 0..2^31-1: " + streamId);
        }
        if ((streamId == 0) == origin.isEmpty()) {
            throw new IllegalArgumentException(streamId == 0
                    ? "ALTSVC on stream 0 needs an origin (RFC 7838 §4)"
                    : "ALTSVC on a stream must not carry an origin (RFC 7838 §4)");
        }
        checkOctets(origin, 0xffff);
        checkOctets(fieldValue, MAX_LENGTH);
        int length = checkLength(2L + origin.length() + fieldValue.length());
        ensure(FrameReader.HEADER_LENGTH + length);
        header(length, FrameType.ALTSVC, 0, streamId);
        buf[end++] = (byte) (origin.length() >>> 8);
        buf[end++] = (byte) origin.length();
        octets(origin);
        octets(fieldValue);
    }

    /** RFC 8336 §2.1: one frame on stream 0, each origin as Origin-Len (16) + ASCII-Origin. */
    public void origin(List<String> origins) {
        long length = 0;
        for (String origin : origins) {
            checkOctets(origin, 0xffff);
            length += 2 + origin.length();
        }
        int n = checkLength(length);
        ensure(FrameReader.HEADER_LENGTH + n);
        header(n, FrameType.ORIGIN, 0, 0);
        for (String origin : origins) {
            buf[end++] = (byte) (origin.length() >>> 8);
            buf[end++] = (byte) origin.length();
            octets(origin);
        }
    }

    /** RFC 9218 §7.1: on stream 0, naming the stream it reprioritizes. */
    public void priorityUpdate(int prioritizedStreamId, String fieldValue) {
        if (prioritizedStreamId <= 0) {
            throw new IllegalArgumentException("prioritized stream must be 1..2^31-1: " + prioritizedStreamId);
        }
        checkOctets(fieldValue, MAX_LENGTH);
        int length = checkLength(4L + fieldValue.length());
        ensure(FrameReader.HEADER_LENGTH + length);
        header(length, FrameType.PRIORITY_UPDATE, 0, 0);
        int32(prioritizedStreamId);
        octets(fieldValue);
    }

    /** Any frame as given: an extension or unknown type passed through (RFC 9113 §5.5), or a deliberately odd one. */
    public void unknown(int type, int flags, int streamId, ByteBuffer payload) {
        if ((type & ~0xff) != 0 || (flags & ~0xff) != 0) {
            throw new IllegalArgumentException("type and flags are octets: " + type + ", " + flags);
        }
        int length = checkLength(payload.remaining());
        ensure(FrameReader.HEADER_LENGTH + length);
        header(length, type, flags, streamId & MAX_STREAM_ID);
        bytes(payload);
    }

    /** Bytes as they are, e.g. the client connection preface (RFC 9113 §3.4). */
    public void raw(ByteBuffer bytes) {
        ensure(bytes.remaining());
        bytes(bytes);
    }

    // ---------------------------------------------------------------------------------------------------- output

    /** Bytes waiting. */
    public int size() {
        return end - start;
    }

    /** Removes and returns up to {@code max} waiting bytes, oldest first (a new array: it becomes the socket write). */
    public byte[] take(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("max must be >= 0: " + max);
        }
        int n = Math.min(max, size());
        byte[] out = Arrays.copyOfRange(buf, start, start + n);
        consumed(n);
        return out;
    }

    /** Moves as many waiting bytes as fit into {@code out}; returns how many. Allocation-free alternative to take. */
    public int drainTo(ByteBuffer out) {
        int n = Math.min(out.remaining(), size());
        out.put(buf, start, n);
        consumed(n);
        return n;
    }

    /** Drops everything waiting. The buffer is kept for reuse. */
    public void clear() {
        start = 0;
        end = 0;
    }

    private void consumed(int n) {
        start += n;
        if (start == end) {
            start = 0;
            end = 0;
        }
    }

    // ---------------------------------------------------------------------------------------------------- helpers

    /** How much of a block goes into the first frame, after its fixed fields; the rest goes to CONTINUATION. */
    private static int firstFragment(int blockLength, int fixed, int maxFrameSize) {
        if (maxFrameSize <= 0 || maxFrameSize > MAX_LENGTH) {
            throw new IllegalArgumentException("max frame size must be 1..2^24-1: " + maxFrameSize);
        }
        if (fixed > maxFrameSize) {
            throw new IllegalArgumentException(
                    "padding and priority (" + fixed + " octets) do not fit a frame of " + maxFrameSize);
        }
        return Math.min(blockLength, maxFrameSize - fixed);
    }

    private void continuations(int streamId, ByteBuffer block, int offset, int maxFrameSize) {
        int total = block.remaining();
        while (offset < total) {
            int n = Math.min(maxFrameSize, total - offset);
            ensure(FrameReader.HEADER_LENGTH + n);
            header(n, FrameType.CONTINUATION, offset + n == total ? Flags.END_HEADERS : 0, streamId);
            bytes(block, offset, n);
            offset += n;
        }
    }

    private void header(int length, int type, int flags, int streamId) {
        byte[] b = buf;
        int i = end;
        b[i] = (byte) (length >>> 16);
        b[i + 1] = (byte) (length >>> 8);
        b[i + 2] = (byte) length;
        b[i + 3] = (byte) type;
        b[i + 4] = (byte) flags;
        b[i + 5] = (byte) (streamId >>> 24);
        b[i + 6] = (byte) (streamId >>> 16);
        b[i + 7] = (byte) (streamId >>> 8);
        b[i + 8] = (byte) streamId;
        end = i + FrameReader.HEADER_LENGTH;
    }

    private void priorityFields(PriorityFields priority) {
        int dependency = priority.streamDependency() | (priority.exclusive() ? 0x80000000 : 0);
        int32(dependency);
        buf[end++] = (byte) (priority.weight() - 1);
    }

    private void int32(int v) {
        byte[] b = buf;
        int i = end;
        b[i] = (byte) (v >>> 24);
        b[i + 1] = (byte) (v >>> 16);
        b[i + 2] = (byte) (v >>> 8);
        b[i + 3] = (byte) v;
        end = i + 4;
    }

    private void bytes(ByteBuffer src) {
        bytes(src, 0, src.remaining());
    }

    /** Copies {@code n} bytes from {@code src.position() + offset} without moving src. */
    private void bytes(ByteBuffer src, int offset, int n) {
        src.get(src.position() + offset, buf, end, n);
        end += n;
    }

    private void padding(int padLength, ByteBuffer padding) {
        if (padding != null) {
            bytes(padding);
        } else if (padLength > 0) {
            Arrays.fill(buf, end, end + padLength, (byte) 0);
            end += padLength;
        }
    }

    private void octets(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            buf[end++] = (byte) s.charAt(i);
        }
    }

    private void ensure(int n) {
        if (buf.length - end >= n) {
            return;
        }
        int size = end - start;
        if (start > 0 && buf.length - size >= n) {
            System.arraycopy(buf, start, buf, 0, size);
        } else {
            byte[] bigger = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(2L * buf.length, (long) size + n))];
            System.arraycopy(buf, start, bigger, 0, size);
            buf = bigger;
        }
        start = 0;
        end = size;
    }

    private static void checkStream(int streamId, String frame) {
        if (streamId <= 0) {
            throw new IllegalArgumentException(frame + " needs a stream id of 1..2^31-1: " + streamId);
        }
    }

    private static void checkPadLength(int padLength) {
        if (padLength < 0 || padLength > 255) {
            throw new IllegalArgumentException("pad length must be 0..255: " + padLength);
        }
    }

    private static int checkPadding(ByteBuffer padding) {
        if (padding.remaining() > 255) {
            throw new IllegalArgumentException("padding must be 0..255 octets: " + padding.remaining());
        }
        return padding.remaining();
    }

    private static int checkLength(long length) {
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("frame payload of " + length + " octets exceeds 2^24-1");
        }
        return (int) length;
    }

    private static void checkOctets(String s, int max) {
        if (s.length() > max) {
            throw new IllegalArgumentException("string of " + s.length() + " octets exceeds " + max);
        }
        for (int i = 0, n = s.length(); i < n; i++) {
            if (s.charAt(i) > 0xff) {
                throw new IllegalArgumentException("not an octet string at index " + i + ": " + s);
            }
        }
    }
}
