package io.h2relay.engine.priority;

/** {@link PriorityTree#insert} of a stream that is already in the tree. */
public final class DuplicateStreamException extends PriorityException {

    DuplicateStreamException(String message) {
        super(message);
    }
}
