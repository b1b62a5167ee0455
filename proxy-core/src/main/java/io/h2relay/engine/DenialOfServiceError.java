package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/** An abuse limit tripped (RFC 9113 §10.5): ENHANCE_YOUR_CALM. */
public final class DenialOfServiceError extends ProtocolError {

    public DenialOfServiceError(String message) {
        super(ErrorCode.ENHANCE_YOUR_CALM, message);
    }
}
