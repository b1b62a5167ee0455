package io.h2relay.hpack;

/**
 * A Huffman-coded string contained EOS, or ended with padding longer than 7 bits or not made of 1-bits
 * (RFC 7541 §5.2).
 */
public final class InvalidHuffmanException extends HpackException {

    InvalidHuffmanException(String message) {
        super(message);
    }
}
