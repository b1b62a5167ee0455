package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/** The stream is closed (RFC 9113 §5.1): nothing but PRIORITY may be sent on it. Maps to STREAM_CLOSED (§5.4.2). */
public final class StreamClosedError extends NoSuchStreamError {

    public StreamClosedError(int streamId) {
        super(ErrorCode.STREAM_CLOSED, streamId, "stream " + streamId + " is closed");
    }

    public StreamClosedError(int streamId, String message) {
        super(ErrorCode.STREAM_CLOSED, streamId, message);
    }
}
