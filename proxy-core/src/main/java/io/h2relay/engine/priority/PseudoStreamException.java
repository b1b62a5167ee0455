package io.h2relay.engine.priority;

/** An operation that makes no sense on stream 0, the root of the dependency tree (RFC 7540 §5.3.1). */
public final class PseudoStreamException extends PriorityException {

    PseudoStreamException(String message) {
        super(message);
    }
}
