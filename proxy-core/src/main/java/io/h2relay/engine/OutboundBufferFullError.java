package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/**
 * The outbound buffer holds {@link AbuseLimits#maxOutboundBufferBytes()} or more: the writer is not draining
 * {@link H2Connection#dataToSend()}. Wait until {@link H2Connection#outboundPaused()} turns false. Nothing was
 * queued.
 */
public final class OutboundBufferFullError extends H2Error {

    public OutboundBufferFullError(String message) {
        super(ErrorCode.INTERNAL_ERROR, message);
    }
}
