package io.h2relay.hpack;

/**
 * A dynamic table size update came after the first field of a block, asked for more than the acknowledged
 * SETTINGS_HEADER_TABLE_SIZE, or was missing after that setting shrank (RFC 7541 §4.2, §6.3).
 */
public final class InvalidTableSizeUpdateException extends HpackException {

    InvalidTableSizeUpdateException(String message) {
        super(message);
    }
}
