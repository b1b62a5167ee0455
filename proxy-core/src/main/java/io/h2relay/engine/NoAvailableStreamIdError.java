package io.h2relay.engine;

/** Stream identifiers are exhausted: the next one would pass 2^31-1 (RFC 9113 §5.1.1). Open a new connection. */
public final class NoAvailableStreamIdError extends ProtocolError {

    public NoAvailableStreamIdError(String message) {
        super(message);
    }
}
