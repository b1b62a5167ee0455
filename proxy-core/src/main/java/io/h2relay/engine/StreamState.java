package io.h2relay.engine;

/** RFC 9113 §5.1 stream states. */
public enum StreamState {
    IDLE,
    RESERVED_LOCAL,
    RESERVED_REMOTE,
    OPEN,
    HALF_CLOSED_LOCAL,
    HALF_CLOSED_REMOTE,
    CLOSED;

    /** OPEN and both half-closed states count against MAX_CONCURRENT_STREAMS (RFC 9113 §5.1.2). */
    public boolean countsAsOpen() {
        return this == OPEN || this == HALF_CLOSED_LOCAL || this == HALF_CLOSED_REMOTE;
    }
}
