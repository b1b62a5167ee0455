package io.h2relay.engine;

/**
 * Local misuse: the application asked to send a field block that breaks RFC 9113 §8.2–8.3 even after
 * normalization. Nothing was changed or written (python h2's {@code ProtocolError} from {@code send_headers}).
 */
public final class InvalidHeadersError extends ProtocolError {

    public InvalidHeadersError(String message) {
        super(message);
    }
}
