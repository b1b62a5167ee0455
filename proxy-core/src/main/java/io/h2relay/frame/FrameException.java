package io.h2relay.frame;

/** A connection error (RFC 9113 §5.4.1) found while reading frames, or raised by a {@link FrameHandler}. */
public class FrameException extends Exception {

    private final int errorCode;

    public FrameException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    public FrameException(ErrorCode errorCode, String message) {
        this(errorCode.code(), message);
    }

    /** The RFC 9113 §7 code for the GOAWAY this error calls for. */
    public int errorCode() {
        return errorCode;
    }
}
