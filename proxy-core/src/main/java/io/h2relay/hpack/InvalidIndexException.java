package io.h2relay.hpack;

/** An indexed representation or indexed name points outside the static and dynamic tables (RFC 7541 §2.3.3). */
public final class InvalidIndexException extends HpackException {

    InvalidIndexException(String message) {
        super(message);
    }
}
