package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/** A frame would be larger than the peer's SETTINGS_MAX_FRAME_SIZE (RFC 9113 §4.2): FRAME_SIZE_ERROR. */
public final class FrameTooLargeError extends ProtocolError {

    public FrameTooLargeError(String message) {
        super(ErrorCode.FRAME_SIZE_ERROR, message);
    }
}
