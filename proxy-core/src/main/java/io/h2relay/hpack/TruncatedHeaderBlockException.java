package io.h2relay.hpack;

/** The block ended inside a representation: an integer, a string length or string octets were cut off. */
public final class TruncatedHeaderBlockException extends HpackException {

    TruncatedHeaderBlockException(String message) {
        super(message);
    }
}
