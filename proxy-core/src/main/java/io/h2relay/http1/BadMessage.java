package io.h2relay.http1;

/**
 * Internal signal of a peer's protocol violation, turned into {@link Http1Event.Malformed} by the reader. Carries
 * no stack trace: it is control flow on hostile input, and must stay cheap.
 */
final class BadMessage extends RuntimeException {

    private static final long serialVersionUID = 1L;

    final int status;

    BadMessage(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }
}
