package io.h2relay.engine;

/** Opening the stream would pass the peer's SETTINGS_MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2). */
public final class TooManyStreamsError extends ProtocolError {

    public TooManyStreamsError(String message) {
        super(message);
    }
}
