package io.h2relay.hpack;

/**
 * An integer used more than 5 continuation octets or exceeded 2^31-1 (RFC 7541 §5.1: exceeding an implementation
 * limit on integers is a decoding error).
 */
public final class IntegerOverflowException extends HpackException {

    IntegerOverflowException(String message) {
        super(message);
    }
}
