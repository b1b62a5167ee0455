package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/**
 * A SETTINGS value outside its RFC 9113 §6.5.2 range. The code depends on the setting: INITIAL_WINDOW_SIZE above
 * 2^31-1 is a FLOW_CONTROL_ERROR, everything else a PROTOCOL_ERROR.
 */
public final class InvalidSettingsValueError extends ProtocolError {

    public InvalidSettingsValueError(String message, ErrorCode errorCode) {
        super(errorCode, message);
    }
}
