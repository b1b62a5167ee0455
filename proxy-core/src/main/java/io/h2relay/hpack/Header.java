package io.h2relay.hpack;

import java.util.Objects;

/**
 * One header field. Octets map 1:1 to chars (ISO-8859-1), so {@code name.length()} is the octet count.
 *
 * <p>{@code neverIndexed} is the RFC 7541 §6.2.3 flag: a decoded field carries it when the peer sent the
 * never-indexed representation, and an encoder given a field with the flag set re-emits it that way (§7.1.3: an
 * intermediary must keep the representation).
 */
public record Header(String name, String value, boolean neverIndexed) {

    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public static Header of(String name, String value) {
        return new Header(name, value, false);
    }

    /** RFC 7541 §4.1: the octets of name and value plus 32. Also RFC 9113 §6.5.2's header-list accounting. */
    public int size() {
        return name.length() + value.length() + 32;
    }

    @Override
    public String toString() {
        return neverIndexed ? name + ": " + value + " (never indexed)" : name + ": " + value;
    }
}
