package io.h2relay.engine;

/**
 * The DATA sent on a stream does not add up to its content-length (RFC 9113 §8.1.1): more than declared, or less
 * when the stream ends.
 */
public final class InvalidBodyLengthError extends ProtocolError {

    private final long expected;
    private final long actual;

    public InvalidBodyLengthError(long expected, long actual) {
        super("content-length " + expected + " but the body has " + (actual > expected ? "at least " : "") + actual
                + " bytes");
        this.expected = expected;
        this.actual = actual;
    }

    public long expected() {
        return expected;
    }

    public long actual() {
        return actual;
    }
}
