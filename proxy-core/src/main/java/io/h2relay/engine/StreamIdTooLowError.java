package io.h2relay.engine;

/**
 * A new stream's identifier is not greater than every identifier already used by its opener (RFC 9113 §5.1.1).
 */
public final class StreamIdTooLowError extends ProtocolError {

    private final int streamId;
    private final int maxStreamId;

    public StreamIdTooLowError(int streamId, int maxStreamId) {
        super("stream id " + streamId + " is not above the highest stream id " + maxStreamId);
        this.streamId = streamId;
        this.maxStreamId = maxStreamId;
    }

    public int streamId() {
        return streamId;
    }

    public int maxStreamId() {
        return maxStreamId;
    }
}
