package io.h2relay.engine.priority;

/** A stream was made to depend on itself. RFC 7540 §5.3.1 makes that a stream error of type PROTOCOL_ERROR; the
 * engine maps this exception to one. */
public final class PriorityLoopException extends PriorityException {

    PriorityLoopException(String message) {
        super(message);
    }
}
