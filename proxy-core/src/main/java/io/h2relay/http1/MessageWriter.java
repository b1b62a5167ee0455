package io.h2relay.http1;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The outbound half of the codec: canonical HTTP/1.1 bytes into one growable buffer. Callers validate first
 * ({@link #fieldProblem}, {@link #dataProblem}, {@link #endProblem}) and write second, so a refused call writes
 * nothing. Payload is copied once, into the output buffer, which is then handed over without another copy.
 */
final class MessageWriter {

    private static final int INITIAL = 256;
    private static final byte[] CRLF = {'\r', '\n'};

    /** RFC 9110 §6.5.1: framing, routing and connection fields have no meaning in a trailer section. */
    private static final Set<String> NOT_IN_TRAILERS = Set.of("content-length", "transfer-encoding", "host",
            "connection", "keep-alive", "proxy-connection", "upgrade", "te", "trailer");

    private byte[] out = new byte[INITIAL];
    private int len;
    private BodyFraming framing = BodyFraming.NONE;
    private long remaining;

    /** Why these fields cannot be written, or null. */
    static String fieldProblem(List<Http1Field> fields, boolean trailers) {
        for (Http1Field f : fields) {
            if (!Syntax.isToken(f.name())) {
                return "invalid field name: " + printable(f.name());
            }
            if (!Syntax.isSendableValue(f.value())) {
                return "invalid value for field " + f.name()
                        + " (control characters such as CR, LF or NUL, or surrounding whitespace)";
            }
            if (trailers && NOT_IN_TRAILERS.contains(f.name().toLowerCase(java.util.Locale.ROOT))) {
                return "field not allowed in trailers: " + f.name();
            }
        }
        return null;
    }

    static String targetProblem(String target) {
        if (target.isEmpty()) {
            return "empty request-target";
        }
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c < 0x21 || c > 0x7E) {
                return "request-target must be visible ASCII";
            }
        }
        return null;
    }

    static String reasonProblem(String reason) {
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c > 0xFF || !Syntax.isFieldContent(c)) {
                return "invalid character in reason-phrase";
            }
        }
        return null;
    }

    void requestLine(String method, String target) {
        ascii(method);
        byte1(' ');
        ascii(target);
        ascii(" HTTP/1.1\r\n");
    }

    void statusLine(int status, String reason) {
        ascii("HTTP/1.1 ");
        ascii(Integer.toString(status));
        byte1(' ');
        ascii(reason);
        bytes(CRLF);
    }

    void fields(List<Http1Field> fields) {
        for (Http1Field f : fields) {
            ascii(f.name());
            byte1(':');
            byte1(' ');
            ascii(f.value());
            bytes(CRLF);
        }
    }

    void endHead() {
        bytes(CRLF);
    }

    /** The body that follows the head just written. */
    void begin(BodyFraming bodyFraming, long length) {
        framing = bodyFraming;
        remaining = bodyFraming == BodyFraming.CONTENT_LENGTH ? length : 0;
    }

    String dataProblem(int n) {
        if (n == 0) {
            return null;
        }
        if (framing == BodyFraming.NONE) {
            return "this message has no body";
        }
        if (framing == BodyFraming.CONTENT_LENGTH && n > remaining) {
            return "data exceeds Content-Length by " + (n - remaining) + " bytes";
        }
        return null;
    }

    void data(ByteBuffer data) {
        int n = data.remaining();
        if (n == 0) {
            return; // an empty chunk would end a chunked body
        }
        if (framing == BodyFraming.CHUNKED) {
            ascii(Long.toHexString(n));
            bytes(CRLF);
        } else if (framing == BodyFraming.CONTENT_LENGTH) {
            remaining -= n;
        }
        ensure(n);
        data.get(out, len, n);
        len += n;
        if (framing == BodyFraming.CHUNKED) {
            bytes(CRLF);
        }
    }

    String endProblem(boolean withTrailers) {
        if (withTrailers && framing != BodyFraming.CHUNKED) {
            return "trailers need chunked framing";
        }
        if (framing == BodyFraming.CONTENT_LENGTH && remaining > 0) {
            return "body ended " + remaining + " bytes short of Content-Length";
        }
        return null;
    }

    void end(List<Http1Field> trailers) {
        if (framing == BodyFraming.CHUNKED) {
            ascii("0\r\n");
            fields(trailers);
            bytes(CRLF);
        }
        framing = BodyFraming.NONE;
    }

    int pending() {
        return len;
    }

    /** Up to {@code max} queued bytes, removed from the queue. */
    ByteBuffer take(int max) {
        int n = Math.min(max, len);
        if (n == len) {
            ByteBuffer all = ByteBuffer.wrap(out, 0, len);
            out = new byte[INITIAL];
            len = 0;
            return all;
        }
        ByteBuffer part = ByteBuffer.wrap(Arrays.copyOf(out, n));
        System.arraycopy(out, n, out, 0, len - n);
        len -= n;
        return part;
    }

    static String reasonPhrase(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 101 -> "Switching Protocols";
            case 103 -> "Early Hints";
            case 200 -> "OK";
            case 201 -> "Created";
            case 202 -> "Accepted";
            case 204 -> "No Content";
            case 206 -> "Partial Content";
            case 301 -> "Moved Permanently";
            case 302 -> "Found";
            case 303 -> "See Other";
            case 304 -> "Not Modified";
            case 307 -> "Temporary Redirect";
            case 308 -> "Permanent Redirect";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 414 -> "URI Too Long";
            case 417 -> "Expectation Failed";
            case 421 -> "Misdirected Request";
            case 426 -> "Upgrade Required";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 501 -> "Not Implemented";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            case 505 -> "HTTP Version Not Supported";
            default -> "";
        };
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7F) {
                b.append(c);
            } else {
                b.append(String.format("\\x%02x", (int) c));
            }
        }
        return b.toString();
    }

    /** Strings here were validated as octets (chars 0..255). */
    private void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            out[len++] = (byte) s.charAt(i);
        }
    }

    private void byte1(char c) {
        ensure(1);
        out[len++] = (byte) c;
    }

    private void bytes(byte[] b) {
        ensure(b.length);
        System.arraycopy(b, 0, out, len, b.length);
        len += b.length;
    }

    private void ensure(int n) {
        if (len + n > out.length) {
            out = Arrays.copyOf(out, Math.max(len + n, out.length * 2));
        }
    }
}
