package io.h2relay.engine.priority;

/**
 * Root of the priority package's errors, one subclass per cause (the family python-hyper's {@code priority}
 * raises). Unchecked: apart from {@link PriorityLoopException} (a peer's self-dependency, RFC 7540 §5.3.1) and
 * {@link TooManyStreamsException} (state bound reached), each one means the caller misused the API.
 */
public abstract sealed class PriorityException extends RuntimeException
        permits DeadlockException, PriorityLoopException, DuplicateStreamException, MissingStreamException,
                TooManyStreamsException, BadWeightException, PseudoStreamException {

    PriorityException(String message) {
        super(message);
    }
}
