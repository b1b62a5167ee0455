package io.h2relay.frame;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@link FrameHandler} that records every callback as a value, payloads copied out as hex, so whole decodes can be
 * compared with {@code equals}. A connection error ends the list as {@link ConnectionError}.
 */
class Recorder implements FrameHandler {

    sealed interface Event {}

    record Data(int streamId, boolean endStream, String data, int flowControlledLength) implements Event {}

    record Headers(int streamId, boolean endStream, boolean endHeaders, PriorityFields priority, String fragment)
            implements Event {}

    record Priority(int streamId, PriorityFields priority) implements Event {}

    record RstStream(int streamId, int errorCode) implements Event {}

    record SettingsFrame(boolean ack, Settings settings) implements Event {}

    record PushPromise(int streamId, int promisedStreamId, boolean endHeaders, String fragment) implements Event {}

    record Ping(boolean ack, long opaqueData) implements Event {}

    record GoAway(int lastStreamId, int errorCode, String debugData) implements Event {}

    record WindowUpdate(int streamId, int increment) implements Event {}

    record Continuation(int streamId, boolean endHeaders, String fragment) implements Event {}

    record AltSvc(int streamId, String origin, String fieldValue) implements Event {}

    record Origin(List<String> origins) implements Event {}

    record PriorityUpdate(int prioritizedStreamId, String fieldValue) implements Event {}

    record Unknown(int type, int flags, int streamId, String payload) implements Event {}

    record StreamError(int streamId, int errorCode) implements Event {}

    record ConnectionError(int errorCode) implements Event {}

    static final HexFormat HEX = HexFormat.of();

    final List<Event> events = new ArrayList<>();
    /** Every payload buffer handed over, as received (not copied), to check views and read-only-ness. */
    final List<ByteBuffer> buffers = new ArrayList<>();

    private String hex(ByteBuffer b) {
        if (!b.isReadOnly()) {
            throw new AssertionError("payload buffer handed out writable");
        }
        buffers.add(b);
        byte[] bytes = new byte[b.remaining()];
        b.duplicate().get(bytes);
        return HEX.formatHex(bytes);
    }

    @Override
    public void data(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength) {
        events.add(new Data(streamId, endStream, hex(data), flowControlledLength));
    }

    @Override
    public void headers(int streamId, boolean endStream, boolean endHeaders, PriorityFields priority,
            ByteBuffer fragment) {
        events.add(new Headers(streamId, endStream, endHeaders, priority, hex(fragment)));
    }

    @Override
    public void priority(int streamId, PriorityFields priority) {
        events.add(new Priority(streamId, priority));
    }

    @Override
    public void rstStream(int streamId, int errorCode) {
        events.add(new RstStream(streamId, errorCode));
    }

    @Override
    public void settings(boolean ack, Settings settings) throws FrameException {
        events.add(new SettingsFrame(ack, settings));
    }

    @Override
    public void pushPromise(int streamId, int promisedStreamId, boolean endHeaders, ByteBuffer fragment) {
        events.add(new PushPromise(streamId, promisedStreamId, endHeaders, hex(fragment)));
    }

    @Override
    public void ping(boolean ack, long opaqueData) {
        events.add(new Ping(ack, opaqueData));
    }

    @Override
    public void goAway(int lastStreamId, int errorCode, ByteBuffer debugData) {
        events.add(new GoAway(lastStreamId, errorCode, hex(debugData)));
    }

    @Override
    public void windowUpdate(int streamId, int increment) {
        events.add(new WindowUpdate(streamId, increment));
    }

    @Override
    public void continuation(int streamId, boolean endHeaders, ByteBuffer fragment) {
        events.add(new Continuation(streamId, endHeaders, hex(fragment)));
    }

    @Override
    public void altSvc(int streamId, String origin, String fieldValue) {
        events.add(new AltSvc(streamId, origin, fieldValue));
    }

    @Override
    public void origin(List<String> origins) {
        events.add(new Origin(origins));
    }

    @Override
    public void priorityUpdate(int prioritizedStreamId, String fieldValue) {
        events.add(new PriorityUpdate(prioritizedStreamId, fieldValue));
    }

    @Override
    public void unknown(int type, int flags, int streamId, ByteBuffer payload) {
        events.add(new Unknown(type, flags, streamId, hex(payload)));
    }

    @Override
    public void streamError(int streamId, int errorCode, String reason) {
        if (reason == null || reason.isEmpty()) {
            throw new AssertionError("stream error without a reason");
        }
        events.add(new StreamError(streamId, errorCode));
    }

    // ------------------------------------------------------------------------------------------- decode helpers

    static List<Event> decodeWhole(byte[] wire) {
        return decode(wire, new int[0], FrameReader.DEFAULT_MAX_FRAME_SIZE);
    }

    static List<Event> decodeByteByByte(byte[] wire) {
        int[] cuts = new int[Math.max(0, wire.length - 1)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i + 1;
        }
        return decode(wire, cuts, FrameReader.DEFAULT_MAX_FRAME_SIZE);
    }

    /**
     * Feeds {@code wire} in chunks cut at the given ascending offsets, each chunk in a buffer of its own that is
     * overwritten with garbage once read, as a socket layer reusing its read buffer would: whatever the reader
     * keeps of a frame that straddles reads must be its own copy.
     */
    static List<Event> decode(byte[] wire, int[] cuts, int maxFrameSize) {
        Recorder recorder = new Recorder();
        FrameReader reader = new FrameReader(maxFrameSize);
        int from = 0;
        try {
            for (int i = 0; i <= cuts.length; i++) {
                int to = i < cuts.length ? cuts[i] : wire.length;
                byte[] chunk = Arrays.copyOfRange(wire, from, to);
                ByteBuffer input = ByteBuffer.wrap(chunk);
                reader.read(input, recorder);
                if (input.hasRemaining()) {
                    throw new AssertionError("reader left " + input.remaining() + " bytes unread");
                }
                Arrays.fill(chunk, (byte) 0x5a);
                from = to;
            }
        } catch (FrameException e) {
            recorder.events.add(new ConnectionError(e.errorCode()));
        }
        return recorder.events;
    }

    static byte[] bytes(String hex) {
        return HEX.parseHex(hex.replace(" ", "").toLowerCase(java.util.Locale.ROOT));
    }

    /** A frame with the given header fields and payload (hex, spaces allowed); the length is the payload's. */
    static byte[] frame(int type, int flags, int streamId, String payloadHex) {
        byte[] payload = bytes(payloadHex);
        return concat(header(payload.length, type, flags, streamId), payload);
    }

    /** A bare 9-byte frame header declaring any length. */
    static byte[] header(int length, int type, int flags, int streamId) {
        return new byte[] {(byte) (length >>> 16), (byte) (length >>> 8), (byte) length, (byte) type, (byte) flags,
            (byte) (streamId >>> 24), (byte) (streamId >>> 16), (byte) (streamId >>> 8), (byte) streamId};
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }
}
