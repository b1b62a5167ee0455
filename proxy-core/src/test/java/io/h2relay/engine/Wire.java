package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.FrameException;
import io.h2relay.frame.FrameHandler;
import io.h2relay.frame.FrameReader;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.Settings;
import io.h2relay.hpack.Header;
import io.h2relay.hpack.HpackDecoder;
import io.h2relay.hpack.HpackException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads what an engine wrote, as the peer would: frames one by one, header blocks decoded with a decoder that
 * persists across calls (so it follows the engine's encoder). Used only by tests.
 */
final class Wire {

    /** One frame as written. Fields not used by the type are zero or null. */
    record Frame(int type, int flags, int streamId, List<Header> headers, byte[] payload, int errorCode,
            int lastStreamId, Settings settings, long value, int promisedStreamId, PriorityFields priority,
            String text) {

        boolean endStream() {
            return (type == FrameType.DATA || type == FrameType.HEADERS) && (flags & 0x1) != 0;
        }

        boolean ack() {
            return (type == FrameType.SETTINGS || type == FrameType.PING) && (flags & 0x1) != 0;
        }

        boolean endHeaders() {
            return (flags & 0x4) != 0;
        }

        String name() {
            return FrameType.nameOf(type);
        }

        String header(String name) {
            for (Header h : headers) {
                if (h.name().equals(name)) {
                    return h.value();
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return name() + "[stream=" + streamId + ", flags=0x" + Integer.toHexString(flags)
                    + (headers != null ? ", headers=" + headers : "")
                    + (payload != null ? ", " + payload.length + " bytes" : "")
                    + (type == FrameType.RST_STREAM || type == FrameType.GOAWAY ? ", code=" + errorCode : "")
                    + (type == FrameType.GOAWAY ? ", last=" + lastStreamId + ", debug=" + text : "")
                    + (settings != null ? ", " + settings : "")
                    + (type == FrameType.WINDOW_UPDATE || type == FrameType.PING ? ", value=" + value : "") + "]";
        }
    }

    private final HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
    private final FrameReader reader = new FrameReader((1 << 24) - 1);
    private final Recorder recorder = new Recorder();
    private boolean prefaceChecked;

    /** Parses the next output of an engine; a client's output starts with the preface, which is checked. */
    List<Frame> read(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (!prefaceChecked && bytes.length >= 24 && bytes[0] == 'P' && bytes[1] == 'R' && bytes[2] == 'I') {
            byte[] magic = Arrays.copyOf(bytes, 24);
            assertEquals("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", new String(magic, StandardCharsets.US_ASCII));
            in.position(24);
        }
        prefaceChecked = true;
        recorder.frames = new ArrayList<>();
        try {
            reader.read(in, recorder);
        } catch (FrameException e) {
            throw new AssertionError("the engine wrote an unreadable frame: " + e.getMessage(), e);
        }
        return recorder.frames;
    }

    /** The frames, which must be exactly of these types in this order. */
    static void assertTypes(List<Frame> frames, int... types) {
        int[] actual = frames.stream().mapToInt(Frame::type).toArray();
        assertTrue(Arrays.equals(types, actual), "expected " + names(types) + " but got " + frames);
    }

    static String names(int... types) {
        List<String> n = new ArrayList<>();
        for (int t : types) {
            n.add(FrameType.nameOf(t));
        }
        return n.toString();
    }

    private final class Recorder implements FrameHandler {
        List<Frame> frames;
        private ByteBuffer block = ByteBuffer.allocate(0);
        private int blockIndex = -1;

        private Frame frame(int type, int flags, int streamId) {
            return new Frame(type, flags, streamId, null, null, 0, 0, null, 0, 0, null, null);
        }

        private void startBlock(Frame f, ByteBuffer fragment, boolean endHeaders) {
            frames.add(f);
            blockIndex = frames.size() - 1;
            block = ByteBuffer.allocate(fragment.remaining()).put(fragment.duplicate()).flip();
            if (endHeaders) {
                finishBlock();
            }
        }

        private void finishBlock() {
            Frame f = frames.get(blockIndex);
            List<Header> headers;
            try {
                headers = decoder.decode(block);
            } catch (HpackException e) {
                throw new AssertionError("the engine wrote an undecodable header block", e);
            }
            frames.set(blockIndex, new Frame(f.type(), f.flags(), f.streamId(), headers, null, 0, 0, null, 0,
                    f.promisedStreamId(), f.priority(), null));
        }

        private static byte[] bytes(ByteBuffer b) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            return a;
        }

        @Override
        public void data(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength) {
            int padded = flowControlledLength != data.remaining() ? 0x8 : 0;
            frames.add(new Frame(FrameType.DATA, (endStream ? 1 : 0) | padded, streamId, null, bytes(data), 0, 0,
                    null, flowControlledLength, 0, null, null));
        }

        @Override
        public void headers(int streamId, boolean endStream, boolean endHeaders, PriorityFields priority,
                ByteBuffer fragment) {
            int flags = (endStream ? 1 : 0) | (endHeaders ? 4 : 0) | (priority != null ? 0x20 : 0);
            startBlock(new Frame(FrameType.HEADERS, flags, streamId, null, null, 0, 0, null, 0, 0, priority, null),
                    fragment, endHeaders);
        }

        @Override
        public void priority(int streamId, PriorityFields priority) {
            frames.add(new Frame(FrameType.PRIORITY, 0, streamId, null, null, 0, 0, null, 0, 0, priority, null));
        }

        @Override
        public void rstStream(int streamId, int errorCode) {
            frames.add(new Frame(FrameType.RST_STREAM, 0, streamId, null, null, errorCode, 0, null, 0, 0, null,
                    null));
        }

        @Override
        public void settings(boolean ack, Settings settings) {
            frames.add(new Frame(FrameType.SETTINGS, ack ? 1 : 0, 0, null, null, 0, 0, settings.copy(), 0, 0, null,
                    null));
        }

        @Override
        public void pushPromise(int streamId, int promisedStreamId, boolean endHeaders, ByteBuffer fragment) {
            startBlock(new Frame(FrameType.PUSH_PROMISE, endHeaders ? 4 : 0, streamId, null, null, 0, 0, null, 0,
                    promisedStreamId, null, null), fragment, endHeaders);
        }

        @Override
        public void ping(boolean ack, long opaqueData) {
            frames.add(new Frame(FrameType.PING, ack ? 1 : 0, 0, null, null, 0, 0, null, opaqueData, 0, null, null));
        }

        @Override
        public void goAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
            frames.add(new Frame(FrameType.GOAWAY, 0, 0, null, null, errorCode, lastStreamId, null, 0, 0, null,
                    new String(bytes(debugData), StandardCharsets.ISO_8859_1)));
        }

        @Override
        public void windowUpdate(int streamId, int increment) {
            frames.add(new Frame(FrameType.WINDOW_UPDATE, 0, streamId, null, null, 0, 0, null, increment, 0, null,
                    null));
        }

        @Override
        public void continuation(int streamId, boolean endHeaders, ByteBuffer fragment) {
            frames.add(frame(FrameType.CONTINUATION, endHeaders ? 4 : 0, streamId));
            ByteBuffer joined = ByteBuffer.allocate(block.remaining() + fragment.remaining());
            joined.put(block).put(fragment.duplicate()).flip();
            block = joined;
            if (endHeaders) {
                finishBlock();
            }
        }

        @Override
        public void altSvc(int streamId, String origin, String fieldValue) {
            frames.add(new Frame(FrameType.ALTSVC, 0, streamId, null, null, 0, 0, null, 0, 0, null,
                    origin + " " + fieldValue));
        }

        @Override
        public void origin(List<String> origins) {
            frames.add(new Frame(FrameType.ORIGIN, 0, 0, null, null, 0, 0, null, 0, 0, null,
                    String.join(" ", origins)));
        }

        @Override
        public void priorityUpdate(int prioritizedStreamId, String fieldValue) {
            frames.add(new Frame(FrameType.PRIORITY_UPDATE, 0, 0, null, null, 0, 0, null, 0, prioritizedStreamId,
                    null, fieldValue));
        }

        @Override
        public void unknown(int type, int flags, int streamId, ByteBuffer payload) {
            frames.add(new Frame(type, flags, streamId, null, bytes(payload), 0, 0, null, 0, 0, null, null));
        }

        @Override
        public void streamError(int streamId, int errorCode, String reason) {
            throw new AssertionError("the engine wrote a bad frame on stream " + streamId + ": " + reason);
        }
    }
}
