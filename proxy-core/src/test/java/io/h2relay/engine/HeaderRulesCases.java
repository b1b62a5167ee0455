package io.h2relay.engine;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;

/**
 * Header blocks for the rule tests: the categories of python h2's test_invalid_headers matrix (re-derived, not
 * copied) plus the rows where h2relay is stricter than h2. Each invalid case names a fragment of the expected reason
 * and whether outbound normalization can repair it.
 */
final class HeaderRulesCases {

    private HeaderRulesCases() {
    }

    /** An invalid block; {@code normalizable}: outbound normalization turns it into a valid block. */
    record Case(String label, List<Header> headers, String reason, boolean normalizable) {
        @Override
        public String toString() {
            return label;
        }
    }

    static final List<Header> GET = block(":authority", "example.com", ":path", "/", ":scheme", "https",
            ":method", "GET", "user-agent", "someua/0.0.1");

    static final List<Header> OK = block(":status", "200", "content-type", "text/plain");

    static final List<Header> GRPC_TRAILERS = block("grpc-status", "0", "grpc-message", "ok");

    static List<Header> block(String... nameValues) {
        List<Header> out = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.add(Header.of(nameValues[i], nameValues[i + 1]));
        }
        return out;
    }

    static List<Header> plus(List<Header> base, String... nameValues) {
        List<Header> out = new ArrayList<>(base);
        out.addAll(block(nameValues));
        return out;
    }

    static List<Header> prefixed(List<Header> base, String... nameValues) {
        List<Header> out = block(nameValues);
        out.addAll(base);
        return out;
    }

    static List<Header> without(List<Header> base, String name) {
        List<Header> out = new ArrayList<>();
        for (Header h : base) {
            if (!h.name().equals(name)) {
                out.add(h);
            }
        }
        return out;
    }

    /** Replaces the field named name (keeping its position) with newName: newValue. */
    static List<Header> replaced(List<Header> base, String name, String newName, String newValue) {
        List<Header> out = new ArrayList<>();
        for (Header h : base) {
            out.add(h.name().equals(name) ? Header.of(newName, newValue) : h);
        }
        return out;
    }

    private static Case bad(String label, List<Header> headers, String reason) {
        return new Case(label, headers, reason, false);
    }

    private static Case fixable(String label, List<Header> headers, String reason) {
        return new Case(label, headers, reason, true);
    }

    /** Invalid as a request and as a promised request; the first 25 follow h2's list. */
    static List<Case> invalidRequests() {
        List<Case> c = new ArrayList<>();
        c.add(fixable("uppercase name", plus(GET, "Uppercase", "name"),
                "uppercase character in field name 'Uppercase'"));
        c.add(bad("late unknown pseudo-header", plus(GET, ":late", "pseudo-header"), "unknown pseudo-header ':late'"));
        c.add(bad("duplicate :path", prefixed(GET, ":path", "duplicate-pseudo-header"), "duplicate pseudo-header :path"));
        for (String name : List.of("connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade")) {
            c.add(fixable(name, plus(GET, name, "close"), "connection-specific field '" + name + "'"));
        }
        c.add(fixable("te: chunked", plus(GET, "te", "chunked"), "te 'chunked'"));
        c.add(bad("two host fields", plus(GET, "host", "example.com", "host", "evil.example.com"),
                "more than one host field"));
        c.add(bad("host differs from :authority", plus(GET, "host", "notexample.com"),
                "host 'notexample.com' differs from :authority 'example.com'"));
        c.add(fixable("name with leading space", plus(GET, " name", "v"), "invalid character 0x20 in field name"));
        c.add(fixable("name with trailing space", plus(GET, "name ", "v"), "invalid character 0x20 in field name"));
        c.add(fixable("value with leading space", plus(GET, "name", " value"), "leading or trailing whitespace"));
        c.add(fixable("value with trailing space", plus(GET, "name", "value "), "leading or trailing whitespace"));
        c.add(fixable("value with trailing tab", plus(GET, "name", "value\t"), "leading or trailing whitespace"));
        c.add(bad("':' inside a name", plus(GET, "illegal:characters", "v"), "':' inside field name"));
        c.add(bad("CR in a name", plus(GET, "illegal-\r-characters", "v"), "invalid character 0x0d"));
        c.add(bad("LF in a name", plus(GET, "illegal-\n-characters", "v"), "invalid character 0x0a"));
        c.add(bad("NUL in a name", plus(GET, "illegal-\0-characters", "v"), "invalid character 0x00"));
        c.add(bad("0x01 in a name", plus(GET, "illegal-\u0001-characters", "v"), "invalid character 0x01"));
        c.add(bad("CR in a value", plus(GET, "illegal-characters", "some \r value"), "contains CR"));
        c.add(bad("LF in a value", plus(GET, "illegal-characters", "some \n value"), "contains LF"));
        c.add(bad("NUL in a value", plus(GET, "illegal-characters", "some \0 value"), "contains NUL"));
        c.add(bad("CRLF header injection", plus(GET, "x-a", "1\r\nx-b: 2"), "contains CR"));
        c.add(bad("no :authority and no host", without(GET, ":authority"), "without :authority"));
        c.add(bad(":protocol on GET", prefixed(GET, ":protocol", "websocket"), ":protocol in a 'GET' request"));
        // Stricter than h2 from here on.
        c.add(bad("empty name", plus(GET, "", "v"), "empty field name"));
        c.add(bad("missing :method", without(GET, ":method"), "missing :method"));
        c.add(bad("missing :scheme", without(GET, ":scheme"), "missing :scheme"));
        c.add(bad("missing :path", without(GET, ":path"), "missing :path"));
        c.add(bad("empty :path", replaced(GET, ":path", ":path", ""), "empty :path"));
        c.add(bad(":status in a request", plus(without(GET, "user-agent"), ":status", "200"),
                ":status in a request"));
        c.add(bad("unknown pseudo-header", prefixed(GET, ":custom", "value"), "unknown pseudo-header ':custom'"));
        c.add(fixable("uppercase pseudo-header", replaced(GET, ":method", ":Method", "GET"),
                "uppercase character in field name ':Method'"));
        c.add(bad("pseudo-header after a regular field", prefixed(GET, "user-agent", "x"),
                "pseudo-header :authority after a regular field"));
        c.add(bad("https :path without '/'", replaced(GET, ":path", ":path", "index.html"), "does not start with '/'"));
        c.add(bad("absolute-form :path", replaced(GET, ":path", ":path", "https://example.com/"),
                "does not start with '/'"));
        c.add(bad(":path * on GET", replaced(GET, ":path", ":path", "*"), ":path '*' in a 'GET' request"));
        c.add(bad("space inside :path", replaced(GET, ":path", ":path", "/a b"), ":path contains character 0x20"));
        c.add(bad("DEL inside :path", replaced(GET, ":path", ":path", "/a\u007fb"), ":path contains character 0x7f"));
        c.add(bad(":method not a token", replaced(GET, ":method", ":method", "GE T"), "is not a token"));
        c.add(bad("empty :method", replaced(GET, ":method", ":method", ""), "is not a token"));
        c.add(bad(":scheme not a scheme", replaced(GET, ":scheme", ":scheme", "1https"), "is not a URI scheme"));
        c.add(bad("empty :scheme", replaced(GET, ":scheme", ":scheme", ""), "is not a URI scheme"));
        c.add(bad("userinfo in :authority", replaced(GET, ":authority", ":authority", "user@example.com"),
                "carries userinfo"));
        c.add(bad("'/' in :authority", replaced(GET, ":authority", ":authority", "example.com/evil"),
                "contains character 0x2f"));
        c.add(bad("empty :authority", replaced(GET, ":authority", ":authority", ""), "empty :authority"));
        c.add(bad("space inside host", plus(without(GET, ":authority"), "host", "exa mple.com"),
                "contains character 0x20"));
        c.add(bad("empty host", plus(GET, "host", ""), "empty host"));
        c.add(bad("char above 0xFF in a value", plus(GET, "x-a", "\u0100"), "not an octet"));
        c.add(bad("non-ASCII name", plus(GET, "caf\u00e9", "v"), "invalid character 0xe9"));
        c.add(bad("DEL in a name", plus(GET, "a\u007fb", "v"), "invalid character 0x7f"));
        c.add(bad("'\"' in a name", plus(GET, "a\"b", "v"), "invalid character 0x22"));
        c.add(bad("content-length +15", plus(GET, "content-length", "+15"), "is not 1*DIGIT"));
        return c;
    }

    /** Invalid only as a promised request (RFC 9113 §8.4). */
    static List<Case> invalidPushPromisesOnly() {
        List<Case> c = new ArrayList<>();
        c.add(bad("POST promise", replaced(GET, ":method", ":method", "POST"), "not safe and cacheable"));
        c.add(bad("host but no :authority", plus(without(GET, ":authority"), "host", "example.com"),
                "promised request without :authority"));
        c.add(bad("promise with content", plus(GET, "content-length", "5"), "promised request with content-length 5"));
        return c;
    }

    static List<Case> invalidResponses() {
        List<Case> c = new ArrayList<>();
        c.add(bad("no :status", block("content-length", "42"), "missing :status"));
        c.add(bad("empty block", block(), "missing :status"));
        c.add(bad("two :status", prefixed(OK, ":status", "204"), "duplicate pseudo-header :status"));
        c.add(bad(":status after a regular field", prefixed(without(OK, ":status"), "x-a", "1", ":status", "200"),
                "pseudo-header :status after a regular field"));
        for (String p : List.of(":path", ":scheme", ":authority", ":method", ":protocol")) {
            c.add(bad(p + " in a response", prefixed(OK, p, "some value"),
                    "request pseudo-header " + p + " in a response"));
        }
        for (String s : List.of("20", "2000", "abc", "099", "600", "-20", "2 0")) {
            c.add(bad(":status " + s, replaced(OK, ":status", ":status", s), "is not a three-digit code"));
        }
        c.add(bad("101", replaced(OK, ":status", ":status", "101"), "101 Switching Protocols"));
        c.add(bad("unknown pseudo-header", prefixed(OK, ":custom", "v"), "unknown pseudo-header"));
        c.add(fixable("uppercase name", plus(OK, "Server", "x"), "uppercase character in field name 'Server'"));
        for (String name : List.of("connection", "proxy-connection", "keep-alive", "transfer-encoding", "upgrade")) {
            c.add(fixable(name, plus(OK, name, "close"), "connection-specific field '" + name + "'"));
        }
        c.add(fixable("te: gzip", plus(OK, "te", "gzip"), "te 'gzip'"));
        c.add(fixable("padded value", plus(OK, "x-a", " 1 "), "leading or trailing whitespace"));
        c.add(fixable("padded :status", replaced(OK, ":status", ":status", " 200"), "leading or trailing whitespace"));
        c.add(bad("CR in a value", plus(OK, "location", "/a\rb"), "contains CR"));
        c.add(bad("empty name", plus(OK, "", "v"), "empty field name"));
        c.add(bad("':' inside a name", plus(OK, "a:b", "v"), "':' inside field name"));
        c.add(fixable("content-length 5 in 204", plus(replaced(OK, ":status", ":status", "204"), "content-length", "5"),
                "content-length 5 in a 204 response"));
        c.add(fixable("content-length 1 in 100", block(":status", "100", "content-length", "1"),
                "content-length 1 in a 100 response"));
        c.add(bad("conflicting content-length", plus(OK, "content-length", "15", "content-length", "16"),
                "conflicting content-length fields 15 and 16"));
        return c;
    }

    static List<Case> invalidTrailers() {
        List<Case> c = new ArrayList<>();
        for (String p : List.of(":path", ":status", ":authority", ":method")) {
            c.add(bad(p + " in trailers", plus(GRPC_TRAILERS, p, "/"), "pseudo-header " + p + " in trailers"));
        }
        c.add(bad("unknown pseudo-header in trailers", prefixed(GRPC_TRAILERS, ":custom", "v"), "unknown pseudo-header"));
        c.add(fixable("uppercase name", plus(GRPC_TRAILERS, "Grpc-Status", "0"), "uppercase character"));
        c.add(fixable("connection", plus(GRPC_TRAILERS, "connection", "close"), "connection-specific field 'connection'"));
        c.add(fixable("transfer-encoding", plus(GRPC_TRAILERS, "transfer-encoding", "chunked"),
                "connection-specific field 'transfer-encoding'"));
        c.add(fixable("te: chunked", plus(GRPC_TRAILERS, "te", "chunked"), "te 'chunked'"));
        c.add(bad("LF in a value", plus(GRPC_TRAILERS, "x-a", "1\n2"), "contains LF"));
        c.add(bad("NUL in a name", plus(GRPC_TRAILERS, "x\0", "1"), "invalid character 0x00"));
        c.add(bad("empty name", plus(GRPC_TRAILERS, "", "1"), "empty field name"));
        return c;
    }

    static List<List<Header>> validRequests() {
        return List.of(
                GET,
                plus(GET, "te", "trailers"),
                plus(GET, "te", "Trailers"),
                plus(GET, "host", "example.com"),
                plus(without(GET, ":authority"), "host", "example.com"),
                plus(GET, "x-empty", ""),
                plus(GET, "x-inner", "a \t b", "x-obs", "caf\u00e9", "x-ctl", "a\u0001b"),
                plus(GET, "content-length", "0"),
                plus(GET, "priority", "u=1, i"),
                block(":method", "OPTIONS", ":scheme", "https", ":authority", "example.com", ":path", "*"),
                block(":method", "GET", ":scheme", "http", ":authority", "[::1]:8080", ":path", "/a?b=c&d=%20"),
                block(":method", "GET", ":scheme", "urn", ":path", "example:animal:ferret:nose"),
                block(":method", "M-SEARCH", ":scheme", "https", ":authority", "example.com", ":path", "/"),
                replaced(GET, ":path", ":path", "/caf\u00e9"),
                block(":scheme", "https", ":path", "/", ":method", "POST", ":authority", "a.example",
                        "content-type", "application/grpc", "te", "trailers", "grpc-timeout", "1S"));
    }

    static List<List<Header>> validResponses() {
        return List.of(
                OK,
                block(":status", "100"),
                block(":status", "103", "link", "</style.css>; rel=preload"),
                block(":status", "204"),
                block(":status", "304", "content-length", "1234"),
                block(":status", "404", "host", "a", "host", "b"),
                block(":status", "599"),
                plus(OK, "te", "trailers"),
                plus(OK, "set-cookie", "a=1", "set-cookie", "b=2"));
    }
}
