package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/**
 * A flow-control window would be exceeded or would pass 2^31-1 (RFC 9113 §6.9.1): sending more than the window
 * allows, or an increment that overflows it.
 */
public final class FlowControlError extends ProtocolError {

    public FlowControlError(String message) {
        super(ErrorCode.FLOW_CONTROL_ERROR, message);
    }
}
