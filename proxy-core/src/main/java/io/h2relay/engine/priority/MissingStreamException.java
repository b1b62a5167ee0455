package io.h2relay.engine.priority;

/** An operation named a stream that is not in the tree. */
public final class MissingStreamException extends PriorityException {

    MissingStreamException(String message) {
        super(message);
    }
}
