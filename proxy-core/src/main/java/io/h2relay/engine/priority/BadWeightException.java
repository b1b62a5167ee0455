package io.h2relay.engine.priority;

/** A weight outside 1..256 (RFC 7540 §5.3.2; the frames carry weight - 1 in one octet, §6.3). */
public final class BadWeightException extends PriorityException {

    BadWeightException(String message) {
        super(message);
    }
}
