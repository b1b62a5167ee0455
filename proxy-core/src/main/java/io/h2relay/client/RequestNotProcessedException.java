package io.h2relay.client;

import java.io.IOException;

/**
 * The server certainly did not process the request, so it may be sent again, even if it is not idempotent (RFC 9113
 * §8.7): its stream was above the last-stream-id of a GOAWAY, the server refused it with REFUSED_STREAM, or it was
 * still waiting for a stream (or for its turn on HTTP/1.1) when the connection closed.
 */
public final class RequestNotProcessedException extends IOException {

    private static final long serialVersionUID = 1L;

    RequestNotProcessedException(String message) {
        super(message);
    }

    /** Always true: the point of this exception. */
    public boolean retryable() {
        return true;
    }
}
