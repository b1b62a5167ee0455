package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/** The stream does not exist: it was never opened (RFC 9113 §5.1 "idle"), or it is gone and forgotten. */
public class NoSuchStreamError extends ProtocolError {

    private final int streamId;

    public NoSuchStreamError(int streamId) {
        this(ErrorCode.PROTOCOL_ERROR, streamId, "no such stream: " + streamId);
    }

    NoSuchStreamError(ErrorCode errorCode, int streamId, String message) {
        super(errorCode, message);
        this.streamId = streamId;
    }

    public int streamId() {
        return streamId;
    }
}
