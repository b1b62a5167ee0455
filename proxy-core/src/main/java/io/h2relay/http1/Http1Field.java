package io.h2relay.http1;

import java.util.Objects;

/**
 * One HTTP/1.1 field line (header or trailer). Field names and values are octet strings; each octet maps to one
 * char (ISO-8859-1), so nothing is lost in either direction. Parsed names are lower-cased (field names are
 * case-insensitive, RFC 9110 §5.1, and HTTP/2 needs them lower-case anyway); values have their leading and trailing
 * whitespace removed (RFC 9112 §5.1). Names handed to the serializer are written as given.
 */
public record Http1Field(String name, String value) {

    public Http1Field {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }

    public static Http1Field of(String name, String value) {
        return new Http1Field(name, value);
    }

    /** Case-insensitive name comparison. */
    public boolean is(String otherName) {
        return name.equalsIgnoreCase(otherName);
    }
}
