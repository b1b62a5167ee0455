package io.h2relay.engine.priority;

/** Inserting would pass the tree's {@code maxStreams} bound and no idle-only entry could be evicted to make room.
 * The bound exists against priority-state exhaustion (CVE-2019-9513 "Resource Loop" and the 1000-entry flood of
 * ENGINE_PARITY §9 t3); the engine answers it like any other abuse limit. */
public final class TooManyStreamsException extends PriorityException {

    TooManyStreamsException(String message) {
        super(message);
    }
}
