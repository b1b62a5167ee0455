package io.h2relay.http1;

/**
 * Local misuse of {@link Http1Connection}: a send call in the wrong state, a field the codec refuses to serialize
 * (CR, LF, NUL or another control character, an invalid name), a body longer than its Content-Length, input fed
 * while reading is paused or after the connection switched protocols. When it is thrown nothing has been written
 * and the connection state is unchanged. A peer's protocol violation is never an exception: it is reported as
 * {@link Http1Event.Malformed}.
 */
public final class Http1Exception extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public Http1Exception(String message) {
        super(message);
    }
}
