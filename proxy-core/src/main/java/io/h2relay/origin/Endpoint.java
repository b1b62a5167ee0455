package io.h2relay.origin;

import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in origin's endpoints, httpbin-like:
 *
 * <pre>
 *   /               200, a short text
 *   /bytes/N        200, N bytes of {@link BodyPattern}, streamed within the client's windows
 *   /echo           200, the request body streamed back as it arrives (request trailers come back as trailers);
 *                   the client gets credit only as the echo goes out
 *   /delay/MS       200 after MS milliseconds (at most 5 minutes)
 *   /status/CODE    CODE (200..599), empty body
 *   /headers        200, the request's header fields (pseudo-header fields included) as a JSON object
 *   /trailers       200, a short body, then trailer fields
 *   /sha256         200, "LENGTH HEX" of the request body once it ended; with ?rate=BYTES_PER_SECOND it reads
 *                   (returns credit) no faster than that: a slow backend for flow-control tests
 * </pre>
 *
 * Queries are ignored except {@code rate}. {@code /echo} and {@code /sha256} read the body, so they answer
 * {@code expect: 100-continue} with a 100 first (RFC 9110 §10.1.1); the others answer without reading it.
 */
final class Endpoint {

    enum Kind { ROOT, PROTOCOL_PAGE, BYTES, ECHO, DELAY, STATUS, HEADERS, TRAILERS, SHA256, BAD_STATUS, NOT_FOUND }

    static final long MAX_DELAY_MILLIS = 300_000;

    /** What {@code /trailers} ends with. */
    static final List<Header> TRAILERS = List.of(Header.of("x-origin-trailer", "done"), Header.of("grpc-status", "0"));

    private Endpoint() {}

    /**
     * What a request asks for.
     *
     * @param number N, MS or CODE from the path; the rate of {@code /sha256} (0 = unlimited)
     */
    record Request(Kind kind, long number, boolean head, boolean expectsContinue, String contentType) {

        static Request of(List<Header> headers) {
            String method = "";
            String path = "/";
            boolean expects = false;
            String contentType = null;
            for (Header h : headers) {
                switch (h.name()) {
                    case ":method" -> method = h.value();
                    case ":path" -> path = h.value();
                    case "expect" -> expects |= h.value().trim().equalsIgnoreCase("100-continue");
                    case "content-type" -> contentType = h.value();
                    default -> { }
                }
            }
            int q = path.indexOf('?');
            String query = q < 0 ? "" : path.substring(q + 1);
            String p = q < 0 ? path : path.substring(0, q);
            boolean head = method.equals("HEAD");
            Kind kind;
            long number = 0;
            if (p.equals("/")) {
                kind = Kind.ROOT;
            } else if (p.equals("/protocol.html")) {
                kind = Kind.PROTOCOL_PAGE;
            } else if (p.equals("/echo")) {
                kind = Kind.ECHO;
            } else if (p.equals("/headers")) {
                kind = Kind.HEADERS;
            } else if (p.equals("/trailers")) {
                kind = Kind.TRAILERS;
            } else if (p.equals("/sha256")) {
                kind = Kind.SHA256;
                number = Math.max(0, parameter(query, "rate"));
            } else if ((number = suffix(p, "/bytes/")) >= 0) {
                kind = Kind.BYTES;
            } else if ((number = suffix(p, "/delay/")) >= 0) {
                kind = Kind.DELAY;
            } else if ((number = suffix(p, "/status/")) >= 0) {
                kind = number >= 200 && number <= 599 ? Kind.STATUS : Kind.BAD_STATUS;
            } else {
                kind = Kind.NOT_FOUND;
                number = 0;
            }
            return new Request(kind, number, head, expects && (kind == Kind.ECHO || kind == Kind.SHA256),
                    contentType);
        }

        /** The decimal number after {@code prefix}, or -1 when the path is not {@code prefix} + digits. */
        private static long suffix(String path, String prefix) {
            if (!path.startsWith(prefix)) {
                return -1;
            }
            return number(path, prefix.length(), path.length());
        }

        private static long parameter(String query, String name) {
            for (String pair : query.split("&")) {
                if (pair.startsWith(name + "=")) {
                    return number(pair, name.length() + 1, pair.length());
                }
            }
            return 0;
        }

        private static long number(String s, int from, int to) {
            if (from == to || to - from > 15) {
                return -1;
            }
            long n = 0;
            for (int i = from; i < to; i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }
    }

    /**
     * A page whose script writes the protocol the browser fetched it over (the navigation entry's
     * {@code nextHopProtocol}: "h2", "http/1.1") into the DOM, for headless browser checks with {@code --dump-dom}.
     */
    static final String PROTOCOL_PAGE = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><title>h2relay protocol</title></head>
            <body><p>protocol: <span id="protocol">unknown</span></p>
            <script>
            document.getElementById("protocol").textContent =
                "[" + performance.getEntriesByType("navigation")[0].nextHopProtocol + "]";
            </script></body></html>
            """;

    static ByteBuffer text(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code {"headers": {"name": "value", ...}}}; repeated names joined with ", " (RFC 9110 §5.3). */
    static ByteBuffer json(List<Header> headers) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (Header h : headers) {
            fields.merge(h.name(), h.value(), (a, b) -> a + ", " + b);
        }
        List<String> members = new ArrayList<>(fields.size());
        fields.forEach((k, v) -> members.add("    " + quote(k) + ": " + quote(v)));
        return text("{\n  \"headers\": {\n" + String.join(",\n", members) + "\n  }\n}\n");
    }

    /** A JSON string (RFC 8259 §7); field octets are ISO-8859-1 chars, written as such. */
    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
