package io.h2relay.hpack;

/**
 * The decoded list passed the header-list-size limit (RFC 9113 §6.5.2: name + value + 32 per field). The decoder
 * still decoded the whole block, so the dynamic table stays in sync, but stopped keeping fields as soon as the
 * limit was passed. Not a COMPRESSION_ERROR: the engine answers 431 or resets the stream, or sends
 * ENHANCE_YOUR_CALM.
 */
public final class HeaderListTooLargeException extends HpackException {

    private final int limit;

    HeaderListTooLargeException(int limit) {
        // A peer can trigger this on every request: skip the stack trace.
        super("header list larger than " + limit + " octets", false);
        this.limit = limit;
    }

    /** The limit in force when the block was decoded. */
    public int limit() {
        return limit;
    }

    @Override
    public boolean isCompressionError() {
        return false;
    }
}
