package io.h2relay.origin;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import io.h2relay.hpack.Header;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

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
 * Two queries work on any endpoint:
 *
 * <pre>
 *   push=P1,P2      before its response, the stream pushes (RFC 9113 §8.4) a GET of each path, same scheme and
 *                   authority, when the client allows push (SETTINGS_ENABLE_PUSH); each promised stream is answered as
 *                   if it had been requested. Pushed streams push nothing further. E.g. /push?push=/bytes/10,/headers
 *                   ("/push" itself answers like "/").
 *   compress        the response body is sent with a content-coding the request's accept-encoding lists: gzip, then
 *                   br, then deflate (zlib, RFC 9110 §8.4.1.2); compress=gzip|deflate|br asks for one. Bodies are
 *                   compressed up front (so content-length is the compressed length), at most
 *                   {@link #MAX_COMPRESSED_BODY} bytes: a longer /bytes/N, or no acceptable coding, goes out
 *                   uncompressed. /echo is never compressed. br uses brotli4j's encoder; where its native library does not load, br
 *                   is never chosen.
 * </pre>
 *
 * Other queries are ignored except {@code rate}. {@code /echo} and {@code /sha256} read the body, so they answer
 * {@code expect: 100-continue} with a 100 first (RFC 9110 §10.1.1); the others answer without reading it.
 */
final class Endpoint {

    enum Kind { ROOT, PROTOCOL_PAGE, BYTES, ECHO, DELAY, STATUS, HEADERS, TRAILERS, SHA256, BAD_STATUS, NOT_FOUND }

    static final long MAX_DELAY_MILLIS = 300_000;

    /** The longest body {@code compress} compresses (up front, in memory). */
    static final int MAX_COMPRESSED_BODY = 8 << 20;

    /** The content-codings {@code compress} can apply, in the order it prefers them. */
    static final List<String> CODINGS = List.of("gzip", "br", "deflate");

    /** What {@code /trailers} ends with. */
    static final List<Header> TRAILERS = List.of(Header.of("x-origin-trailer", "done"), Header.of("grpc-status", "0"));

    private Endpoint() {}

    /**
     * What a request asks for.
     *
     * @param number N, MS or CODE from the path; the rate of {@code /sha256} (0 = unlimited)
     * @param push the paths to push first (empty: none)
     * @param coding the content-coding for the body (from {@code compress} and accept-encoding), or null
     */
    record Request(Kind kind, long number, boolean head, boolean expectsContinue, String contentType,
            List<String> push, String coding) {

        static Request of(List<Header> headers) {
            String method = "";
            String path = "/";
            boolean expects = false;
            String contentType = null;
            String acceptEncoding = "";
            for (Header h : headers) {
                switch (h.name()) {
                    case ":method" -> method = h.value();
                    case ":path" -> path = h.value();
                    case "expect" -> expects |= h.value().trim().equalsIgnoreCase("100-continue");
                    case "content-type" -> contentType = h.value();
                    case "accept-encoding" -> acceptEncoding += "," + h.value();
                    default -> { }
                }
            }
            int q = path.indexOf('?');
            String query = q < 0 ? "" : path.substring(q + 1);
            String p = q < 0 ? path : path.substring(0, q);
            boolean head = method.equals("HEAD");
            Kind kind;
            long number = 0;
            if (p.equals("/") || p.equals("/push")) {
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
            String wanted = text(query, "compress");
            String coding = wanted == null || kind == Kind.ECHO ? null : coding(acceptEncoding, wanted);
            String pushes = text(query, "push");
            List<String> push = pushes == null || pushes.isEmpty() ? List.of() : List.of(pushes.split(","));
            return new Request(kind, number, head, expects && (kind == Kind.ECHO || kind == Kind.SHA256),
                    contentType, push, coding);
        }

        /** The value of {@code name} in the query ("" when it has none), or null when absent. */
        private static String text(String query, String name) {
            for (String pair : query.split("&")) {
                if (pair.equals(name)) {
                    return "";
                }
                if (pair.startsWith(name + "=")) {
                    return pair.substring(name.length() + 1);
                }
            }
            return null;
        }

        /**
         * The coding to use: {@code wanted} (or, when empty, the first of {@link #CODINGS}) if accept-encoding
         * lists it with a non-zero q (RFC 9110 §12.5.3), else null.
         */
        static String coding(String acceptEncoding, String wanted) {
            List<String> accepted = new ArrayList<>();
            for (String item : acceptEncoding.split(",")) {
                String[] parts = item.split(";");
                String name = parts[0].trim().toLowerCase(java.util.Locale.ROOT);
                boolean refused = false;
                for (int i = 1; i < parts.length; i++) {
                    String param = parts[i].trim().toLowerCase(java.util.Locale.ROOT);
                    refused |= param.startsWith("q=") && param.substring(2).matches("0(\\.0*)?");
                }
                if (!name.isEmpty() && !refused) {
                    accepted.add(name);
                }
            }
            for (String c : wanted.isEmpty() ? CODINGS : List.of(wanted)) {
                if (CODINGS.contains(c) && accepted.contains(c) && (!c.equals("br") || Brotli.AVAILABLE)) {
                    return c;
                }
            }
            return null;
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

    /** {@code body} in the content-coding {@code coding} (one of {@link #CODINGS}), compressed at once. */
    static ByteBuffer encode(String coding, ByteBuffer body) {
        byte[] input = new byte[body.remaining()];
        body.duplicate().get(input);
        try {
            if (coding.equals("br")) {
                return ByteBuffer.wrap(Encoder.compress(input));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(input.length / 4 + 64);
            try (OutputStream z = coding.equals("gzip") ? new GZIPOutputStream(out) : new DeflaterOutputStream(out)) {
                z.write(input);
            }
            return ByteBuffer.wrap(out.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(coding + " compression failed", e);
        }
    }

    /** Whether brotli4j's native library loads here; without it br is never chosen. Loaded on first use. */
    private static final class Brotli {
        static final boolean AVAILABLE = load();

        private static boolean load() {
            try {
                Brotli4jLoader.ensureAvailability();
                return true;
            } catch (Throwable e) {
                return false;
            }
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
