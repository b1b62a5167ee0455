package io.h2relay.client;

import java.io.IOException;

/**
 * The request's stream ended abnormally: the server reset it (RST_STREAM), or this client did (the response was
 * malformed, or the caller cancelled). A REFUSED_STREAM from the server is reported as
 * {@link RequestNotProcessedException} instead.
 */
public final class StreamResetException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final boolean remote;

    StreamResetException(int streamId, int errorCode, boolean remote, String reason) {
        super("stream " + streamId + (remote ? " reset by the server: " : " reset by this client: ")
                + ConnectionException.describe(errorCode) + (reason == null ? "" : " (" + reason + ")"));
        this.errorCode = errorCode;
        this.remote = remote;
    }

    /** The RFC 9113 §7 code of the RST_STREAM. */
    public int errorCode() {
        return errorCode;
    }

    /** Whether the server reset the stream. */
    public boolean remote() {
        return remote;
    }
}
