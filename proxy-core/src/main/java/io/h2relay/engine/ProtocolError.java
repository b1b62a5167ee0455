package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/** An action that breaks RFC 9113 (python h2's {@code ProtocolError}); maps to PROTOCOL_ERROR unless a subclass says otherwise. */
public class ProtocolError extends H2Error {

    public ProtocolError(String message) {
        super(ErrorCode.PROTOCOL_ERROR, message);
    }

    protected ProtocolError(ErrorCode errorCode, String message) {
        super(errorCode, message);
    }
}
