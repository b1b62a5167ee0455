package io.h2relay.engine;

/**
 * The peer sent a malformed request or response (RFC 9113 §8.1.1): a stream error of type PROTOCOL_ERROR, not a
 * connection error; the connection and its other streams carry on. Checked, so the engine cannot forget it.
 *
 * <p>No stack trace is captured: a peer can provoke this at will, and the reason says everything that matters.
 */
public final class MalformedMessageException extends Exception {

    public MalformedMessageException(String reason) {
        super(reason, null, false, false);
    }

    /** Human-readable, e.g. {@code uppercase character in field name 'Host'}; safe to log (no raw control bytes). */
    public String reason() {
        return getMessage();
    }
}
