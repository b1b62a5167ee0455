package io.h2relay.hpack;

import java.util.Objects;

/**
 * One header field. HTTP field names and values are octet strings; each octet maps to one char (ISO-8859-1), so
 * {@code name.length()} is the octet count and nothing is lost in either direction.
 *
 * <p>{@code neverIndexed} is the RFC 7541 §6.2.3 flag: a decoded field carries it when the peer sent the
 * never-indexed representation, and an encoder given a field with the flag set re-emits it that way (§7.1.3: an
 * intermediary must keep the representation).
 */
public record Header(String name, String value, boolean neverIndexed) {

    /** RFC 7541 §4.1: each entry costs its name and value octets plus 32. */
    public static final int ENTRY_OVERHEAD = 32;

    public Header {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public static Header of(String name, String value) {
        return new Header(name, value, false);
    }

    /** The same field marked sensitive (never indexed). */
    public Header sensitive() {
        return neverIndexed ? this : new Header(name, value, true);
    }

    /** RFC 7541 §4.1 entry size, also the RFC 9113 §6.5.2 header-list-size unit. */
    public int size() {
        return name.length() + value.length() + ENTRY_OVERHEAD;
    }

    @Override
    public String toString() {
        return neverIndexed ? name + ": " + value + " (never indexed)" : name + ": " + value;
    }
}
