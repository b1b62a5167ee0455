package io.h2relay.hpack;

/**
 * A field block could not be decoded. Every subclass except {@link HeaderListTooLargeException} means the
 * decoding context is lost and is a connection error of type COMPRESSION_ERROR (RFC 9113 §4.3).
 */
public abstract sealed class HpackException extends Exception
        permits InvalidIndexException, IntegerOverflowException, InvalidHuffmanException,
                InvalidTableSizeUpdateException, TruncatedHeaderBlockException, HeaderListTooLargeException {

    HpackException(String message) {
        super(message);
    }

    /** For errors a peer can provoke at will without losing the connection: no stack trace to fill. */
    HpackException(String message, boolean writableStackTrace) {
        super(message, null, false, writableStackTrace);
    }

    /** True when the engine must end the connection with COMPRESSION_ERROR (RFC 9113 §4.3). */
    public boolean isCompressionError() {
        return true;
    }
}
