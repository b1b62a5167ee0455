package io.h2relay.client;

import io.h2relay.frame.ErrorCode;
import java.io.IOException;

/**
 * The connection failed or ended under requests that may already have been processed: it could not be opened, TLS
 * failed, the socket broke, the server sent GOAWAY with an error, or the server broke the protocol. Requests the
 * server certainly did not process fail with {@link RequestNotProcessedException} instead.
 */
public final class ConnectionException extends IOException {

    private static final long serialVersionUID = 1L;

    private final int errorCode;
    private final boolean remote;

    /**
     * @param errorCode the RFC 9113 §7 code of a GOAWAY (sent or received), or -1 when the failure was not one
     * @param remote true when the server ended the connection (its GOAWAY), false when we did
     */
    ConnectionException(String message, Throwable cause, int errorCode, boolean remote) {
        super(message, cause);
        this.errorCode = errorCode;
        this.remote = remote;
    }

    ConnectionException(String message, Throwable cause) {
        this(message, cause, -1, false);
    }

    /** A GOAWAY with an error: "ENHANCE_YOUR_CALM (0xb): the peer ... [debug data]". */
    static ConnectionException goAway(int errorCode, int lastStreamId, String debugData, boolean remote) {
        String who = remote ? "the server ended the connection with GOAWAY " : "the connection was ended with GOAWAY ";
        String text = who + describe(errorCode) + ", last stream " + lastStreamId
                + (debugData == null || debugData.isEmpty() ? "" : ": " + debugData);
        return new ConnectionException(text, null, errorCode, remote);
    }

    /** The HTTP/2 error code of the GOAWAY behind this failure, or -1. */
    public int errorCode() {
        return errorCode;
    }

    /** Whether the server ended the connection (rather than this client, or the network). */
    public boolean remote() {
        return remote;
    }

    /** "NAME (0xN): what it means", for any code; RFC 9113 §7 gives the meanings. */
    static String describe(int code) {
        ErrorCode known = ErrorCode.of(code);
        String head = ErrorCode.nameOf(code) + " (0x" + Integer.toHexString(code) + ")";
        if (known == null) {
            return head + ": an error code this client does not know";
        }
        String meaning = switch (known) {
            case NO_ERROR -> "graceful shutdown, no error";
            case PROTOCOL_ERROR -> "the peer detected an unspecific protocol error";
            case INTERNAL_ERROR -> "the peer hit an unexpected internal error";
            case FLOW_CONTROL_ERROR -> "the flow-control protocol was violated";
            case SETTINGS_TIMEOUT -> "a SETTINGS frame was not acknowledged in time";
            case STREAM_CLOSED -> "a frame arrived after the stream was half-closed";
            case FRAME_SIZE_ERROR -> "a frame had an invalid size";
            case REFUSED_STREAM -> "the stream was refused before any processing";
            case CANCEL -> "the stream is no longer needed";
            case COMPRESSION_ERROR -> "the header compression context could not be maintained";
            case CONNECT_ERROR -> "the CONNECT tunnel was reset or closed abnormally";
            case ENHANCE_YOUR_CALM -> "the peer is throttling behaviour it considers excessive";
            case INADEQUATE_SECURITY -> "the TLS connection does not meet HTTP/2's security requirements";
            case HTTP_1_1_REQUIRED -> "the peer requires HTTP/1.1 for this request";
        };
        return head + ": " + meaning;
    }
}
