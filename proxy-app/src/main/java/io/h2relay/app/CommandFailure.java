package io.h2relay.app;

/**
 * A command cannot go on for a reason the user can act on (a port already taken, a backend scheme the runtime does
 * not speak): printed as one line, without a stack trace, and the process ends with {@link #status()}.
 */
final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;

    CommandFailure(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    CommandFailure(int status, String message) {
        this(status, message, null);
    }

    int status() {
        return status;
    }
}
