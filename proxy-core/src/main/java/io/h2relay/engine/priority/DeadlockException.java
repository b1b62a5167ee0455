package io.h2relay.engine.priority;

/** {@link PriorityTree#next()} found no unblocked stream: every stream is blocked (or the tree is empty). */
public final class DeadlockException extends PriorityException {

    DeadlockException(String message) {
        super(message);
    }
}
