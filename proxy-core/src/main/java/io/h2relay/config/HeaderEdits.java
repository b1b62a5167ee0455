package io.h2relay.config;

import io.h2relay.hpack.Header;
import java.util.List;
import java.util.Set;

/**
 * Header changes a route makes to requests or responses, applied in this order: every field named in {@code remove}
 * goes, each field in {@code set} replaces all fields of its name, each field in {@code add} is appended beside any
 * of its name.
 *
 * @param remove lowercase field names
 * @param set fields with lowercase names
 * @param add fields with lowercase names
 */
public record HeaderEdits(List<String> remove, List<Header> set, List<Header> add) {

    public static final HeaderEdits NONE = new HeaderEdits(List.of(), List.of(), List.of());

    /**
     * Fields whose meaning belongs to the connection or the message framing, which the proxy derives itself
     * (RFC 9110 §7.6.1, RFC 9113 §8.2.2); a route may remove them but never write them.
     */
    private static final Set<String> NOT_WRITABLE = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "host", "content-length", "http2-settings");

    public HeaderEdits {
        remove = List.copyOf(remove);
        set = List.copyOf(set);
        add = List.copyOf(add);
        for (String name : remove) {
            checkName(name);
        }
        for (Header h : set) {
            checkWritable(h);
        }
        for (Header h : add) {
            checkWritable(h);
        }
    }

    public boolean isEmpty() {
        return remove.isEmpty() && set.isEmpty() && add.isEmpty();
    }

    /**
     * A field name as a route may name it: an RFC 9110 §5.6.2 token, lowercase as HTTP/2 requires (RFC 9113
     * §8.2.1); pseudo-header fields are the proxy's own.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    static void checkName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        if (name.charAt(0) == ':') {
            throw new IllegalArgumentException("'" + name + "': pseudo-header fields cannot be edited");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isTokenChar(c)) {
                throw new IllegalArgumentException("'" + name + "': character '" + c + "' is not allowed in a header name");
            }
            if (c >= 'A' && c <= 'Z') {
                throw new IllegalArgumentException("'" + name + "': header names are lowercase");
            }
        }
    }

    static void checkWritable(Header h) {
        checkName(h.name());
        if (NOT_WRITABLE.contains(h.name())) {
            throw new IllegalArgumentException("'" + h.name() + "' is connection-specific or framing: the proxy sets it");
        }
        checkValue(h.name(), h.value());
    }

    /** RFC 9110 §5.5: no CR, LF or NUL, and no whitespace at either end. */
    static void checkValue(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0 || c > 0xff) {
                throw new IllegalArgumentException("'" + name + "': value contains a character not allowed in a field");
            }
        }
        if (!value.isEmpty() && (isSpace(value.charAt(0)) || isSpace(value.charAt(value.length() - 1)))) {
            throw new IllegalArgumentException("'" + name + "': value starts or ends with whitespace");
        }
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t';
    }

    /** RFC 9110 §5.6.2 tchar. */
    static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
