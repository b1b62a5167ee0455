package io.h2relay.engine;

import io.h2relay.frame.ErrorCode;

/**
 * Root of the engine's exception family (python h2's {@code H2Error}). Thrown for local misuse of the API; a call
 * that throws has changed no state. Each subclass names the RFC 9113 §7 code it stands for, so a runtime that lets
 * one escape knows which code to reset or go away with.
 */
public abstract class H2Error extends RuntimeException {

    private final int errorCode;

    protected H2Error(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = errorCode.code();
    }

    /** The RFC 9113 §7 error code this error maps to. */
    public int errorCode() {
        return errorCode;
    }
}
