package io.h2relay.frame;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * Receives the frames a {@link FrameReader} decodes, one callback per frame type. Payload buffers are read-only
 * slices: valid as long as the caller does not overwrite the input they came from; the reader never reuses memory it
 * handed out. A callback may throw {@link FrameException} to end the connection.
 */
public interface FrameHandler {

    /** @param flowControlledLength the whole frame payload, padding included (RFC 9113 §6.9.1) */
    void data(int streamId, boolean endStream, ByteBuffer data, int flowControlledLength) throws FrameException;

    /**
     * @param priority null unless the PRIORITY flag was set. A dependency on the stream itself is not checked here:
     *     the fragment must still reach HPACK, so that stream error (RFC 9113 §5.3.1) is the engine's.
     */
    void headers(int streamId, boolean endStream, boolean endHeaders, PriorityFields priority, ByteBuffer fragment)
            throws FrameException;

    void priority(int streamId, PriorityFields priority) throws FrameException;

    void rstStream(int streamId, int errorCode) throws FrameException;

    /** @param settings empty when ack */
    void settings(boolean ack, Settings settings) throws FrameException;

    void pushPromise(int streamId, int promisedStreamId, boolean endHeaders, ByteBuffer fragment) throws FrameException;

    void ping(boolean ack, long opaqueData) throws FrameException;

    void goAway(int lastStreamId, int errorCode, ByteBuffer debugData) throws FrameException;

    /** An increment of 0 is passed through: the engine decides between stream and connection error (§6.9). */
    void windowUpdate(int streamId, int increment) throws FrameException;

    void continuation(int streamId, boolean endHeaders, ByteBuffer fragment) throws FrameException;

    /** RFC 7838 §4. */
    void altSvc(int streamId, String origin, String fieldValue) throws FrameException;

    /** RFC 8336 §2. */
    void origin(List<String> origins) throws FrameException;

    /** RFC 9218 §7.1. */
    void priorityUpdate(int prioritizedStreamId, String fieldValue) throws FrameException;

    /**
     * A frame of a type this codec does not know (RFC 9113 §4.1, §5.5: ignore, but pass on), or an ALTSVC / ORIGIN
     * frame its RFC says to ignore (RFC 7838 §4: origin present on a stream or missing on stream 0, or truncated;
     * RFC 8336 §2.1: not on stream 0, flags 0x1-0x8, or a truncated entry). Passed on so the engine still sees a
     * frame arrive: no frame may interrupt a field block (RFC 9113 §6.10), and floods are counted.
     */
    void unknown(int type, int flags, int streamId, ByteBuffer payload) throws FrameException;

    /**
     * A per-frame error the RFC scopes to one stream (e.g. PRIORITY with a length other than 5, RFC 9113 §6.3). The
     * frame was consumed; reading continues.
     */
    void streamError(int streamId, int errorCode, String reason) throws FrameException;
}
