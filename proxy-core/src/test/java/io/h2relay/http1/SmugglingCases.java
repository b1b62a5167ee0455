package io.h2relay.http1;

import java.util.List;

/**
 * Malformed requests that open request-smuggling doors (RFC 9112 §11.2, the CL.TE / TE.CL / TE.TE families and
 * their obfuscations) or that a strict parser must refuse, each with the status the server answers and the
 * number of request heads reported before the error (a body-level error comes after its head). Every one of them
 * also closes the connection. Shared by the example test, the split-invariance property and the proxy's
 * end-to-end smuggling test (io.h2relay.proxy.Http1SmugglingTest).
 */
public final class SmugglingCases {

    private SmugglingCases() {
    }

    public record Case(String name, String raw, int status, int headsBefore) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final String GET = "GET / HTTP/1.1\r\nHost: a\r\n";
    private static final String POST = "POST / HTTP/1.1\r\nHost: a\r\n";

    public static final List<Case> ALL = List.of(
            // CL.TE and TE.CL: a front end and a back end disagreeing about which framing field wins.
            c("CL.TE", POST + "Content-Length: 13\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nSMUGGLED", 400),
            c("TE.CL", POST + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n", 400),
            c("CL zero with TE", POST + "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            c("TE before invalid CL", POST + "Transfer-Encoding: chunked\r\nContent-Length: x\r\n\r\n0\r\n\r\n", 400),
            // TE.TE: obfuscated Transfer-Encoding that one side ignores and the other honours.
            c("TE xchunked", POST + "Transfer-Encoding: xchunked\r\n\r\n", 400),
            c("TE chunked then x", POST + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n", 400),
            c("TE x then chunked", POST + "Transfer-Encoding: x\r\nTransfer-Encoding: chunked\r\n\r\n", 501),
            c("TE gzip, chunked", POST + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501),
            c("TE chunked, identity", POST + "Transfer-Encoding: chunked, identity\r\n\r\n", 400),
            c("TE chunked twice", POST + "Transfer-Encoding: chunked, chunked\r\n\r\n", 400),
            c("TE identity only", POST + "Transfer-Encoding: identity\r\n\r\n", 400),
            c("TE quoted", POST + "Transfer-Encoding: \"chunked\"\r\n\r\n", 400),
            c("TE with parameter", POST + "Transfer-Encoding: chunked;q=1\r\n\r\n", 400),
            c("TE empty", POST + "Transfer-Encoding: \r\n\r\n", 400),
            c("TE empty element", POST + "Transfer-Encoding: , chunked\r\n\r\n", 400),
            c("TE vertical tab", POST + "Transfer-Encoding:\u000bchunked\r\n\r\n0\r\n\r\n", 400),
            c("TE space before colon", POST + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
            c("TE tab before colon", POST + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n", 400),
            c("TE obs-fold", POST + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400),
            c("TE folded after another field", POST + "X: y\r\n\tTransfer-Encoding: chunked\r\n\r\n", 400),
            c("TE leading space first field", "POST / HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: a\r\n\r\n", 400),
            c("TE in HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
            c("TE in HTTP/1.0 with CL", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                    + "0\r\n\r\n", 400),
            c("TE NUL", POST + "Transfer-Encoding: chunked\u0000\r\n\r\n", 400),
            // Content-Length disagreements and malformed values.
            c("CL two lines differ", POST + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", 400),
            c("CL list differs", POST + "Content-Length: 5, 6\r\n\r\nhello!", 400),
            c("CL plus sign", POST + "Content-Length: +5\r\n\r\nhello", 400),
            c("CL negative", POST + "Content-Length: -1\r\n\r\n", 400),
            c("CL hex", POST + "Content-Length: 0x5\r\n\r\nhello", 400),
            c("CL inner space", POST + "Content-Length: 5 5\r\n\r\nhello", 400),
            c("CL empty", POST + "Content-Length: \r\n\r\n", 400),
            c("CL empty element", POST + "Content-Length: 5,\r\n\r\nhello", 400),
            c("CL overflow", POST + "Content-Length: 99999999999999999999\r\n\r\n", 400),
            c("CL long overflow", POST + "Content-Length: 18446744073709551621\r\n\r\nhello", 400),
            c("CL space before colon", POST + "Content-Length : 5\r\n\r\nhello", 400),
            c("CL obs-fold", POST + "Content-Length:\r\n 5\r\n\r\nhello", 400),
            // Not a Content-Length at all: the would-be body is parsed as the next request and refused there.
            c("CL underscore is another field", POST + "Content_Length: 5\r\n\r\nhello\r\n\r\n", 400, 1),
            // Line endings: CRLF only (bare LF is allowed by RFC 9112 §2.2 but we reject it).
            c("bare LF everywhere", "GET / HTTP/1.1\nHost: a\n\n", 400),
            c("bare LF after request-line", "GET / HTTP/1.1\nHost: a\r\n\r\n", 400),
            c("bare LF in fields", GET + "X: y\nTransfer-Encoding: chunked\r\n\r\n", 400),
            c("bare LF ends the head", GET + "\n", 400),
            c("bare CR in fields", GET + "X: y\rTransfer-Encoding: chunked\r\n\r\n", 400),
            c("CR CR LF", GET + "X: y\r\r\n\r\n", 400),
            c("bare CR in request-line", "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("LF LF ends chunked body", POST + "Transfer-Encoding: chunked\r\n\r\n0\n\n", 400, 1),
            c("bare LF after chunk data", POST + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\n0\r\n\r\n", 400,
                    1),
            // Request-line.
            c("double space", "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("tab separator", "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("trailing space", "GET / HTTP/1.1 \r\nHost: a\r\n\r\n", 400),
            c("leading space", " GET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("lower-case version", "GET / http/1.1\r\nHost: a\r\n\r\n", 400),
            c("version without minor", "GET / HTTP/1\r\nHost: a\r\n\r\n", 400),
            c("version with extra digits", "GET / HTTP/1.10\r\nHost: a\r\n\r\n", 400),
            c("HTTP/0.9 request", "GET /\r\n\r\n", 400),
            c("HTTP/2.0", "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505),
            c("HTTP/0.9 version", "GET / HTTP/0.9\r\nHost: a\r\n\r\n", 505),
            c("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 505),
            c("method with paren", "G(ET / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("method with NUL", "GE\u0000T / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("space in target", "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("fragment in target", "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("backslash in target", "GET /a\\b HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("bad percent", "GET /%zz HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("truncated percent", "GET /%4 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("DEL in target", "GET /\u007f HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("obs-text in target", "GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("relative target", "GET a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("userinfo in absolute-form", "GET http://u@a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("empty host in absolute-form", "GET http:///x HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("other scheme", "GET ftp://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("asterisk with GET", "GET * HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("CONNECT origin-form", "CONNECT / HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("CONNECT without port", "CONNECT a HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("CONNECT port zero", "CONNECT a:0 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("CONNECT port too big", "CONNECT a:65536 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("authority-form on GET", "GET a:80 HTTP/1.1\r\nHost: a\r\n\r\n", 400),
            c("CONNECT with content", "CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\nContent-Length: 5\r\n\r\nhello", 400),
            // Host.
            c("missing Host", "GET / HTTP/1.1\r\n\r\n", 400),
            c("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
            c("two Host fields in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n", 400),
            c("Host with space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
            c("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@a\r\n\r\n", 400),
            c("Host with bad port", "GET / HTTP/1.1\r\nHost: a:99999\r\n\r\n", 400),
            c("Host with letters in port", "GET / HTTP/1.1\r\nHost: a:8o\r\n\r\n", 400),
            c("Host with open IP literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
            c("Host with slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
            // Field syntax.
            c("field name with at", GET + "X@Y: z\r\n\r\n", 400),
            c("field name with space", GET + "X Y: z\r\n\r\n", 400),
            c("empty field name", GET + ": z\r\n\r\n", 400),
            c("field without colon", GET + "X\r\n\r\n", 400),
            c("obs-text in field name", GET + "\u00e9: z\r\n\r\n", 400),
            c("NUL in value", GET + "X: a\u0000b\r\n\r\n", 400),
            c("DEL in value", GET + "X: a\u007fb\r\n\r\n", 400),
            c("escape in value", GET + "X: a\u001bb\r\n\r\n", 400),
            // Chunked framing.
            c("chunk size 0x", POST + "Transfer-Encoding: chunked\r\n\r\n0x5\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk size negative", POST + "Transfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk size leading space", POST + "Transfer-Encoding: chunked\r\n\r\n 5\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk size trailing space", POST + "Transfer-Encoding: chunked\r\n\r\n5 \r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk size empty", POST + "Transfer-Encoding: chunked\r\n\r\n\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk size overflow", POST + "Transfer-Encoding: chunked\r\n\r\n1ffffffffffffffff\r\nhello\r\n", 400, 1),
            c("chunk size 2^64+5 wraps", POST + "Transfer-Encoding: chunked\r\n\r\n10000000000000005\r\nhello\r\n"
                    + "0\r\n\r\n", 400, 1),
            c("chunk longer than its size", POST + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloX\r\n0\r\n"
                    + "\r\n", 400, 1),
            c("chunk without CRLF", POST + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello0\r\n\r\n", 400, 1),
            c("chunk ext without name", POST + "Transfer-Encoding: chunked\r\n\r\n5;\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk ext without value", POST + "Transfer-Encoding: chunked\r\n\r\n5;a=\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk ext open quote", POST + "Transfer-Encoding: chunked\r\n\r\n5;a=\"b\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk ext bare CR", POST + "Transfer-Encoding: chunked\r\n\r\n5;a\rb\r\nhello\r\n0\r\n\r\n", 400, 1),
            c("chunk ext trailing space", POST + "Transfer-Encoding: chunked\r\n\r\n5;a \r\nhello\r\n0\r\n"
                    + "\r\n", 400, 1),
            c("trailer obs-fold", POST + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n z\r\n\r\n", 400, 1),
            c("trailer bare LF", POST + "Transfer-Encoding: chunked\r\n\r\n0\r\nX: y\n\r\n", 400, 1),
            c("trailer space before colon", POST + "Transfer-Encoding: chunked\r\n\r\n0\r\nX : y\r\n\r\n", 400, 1));

    private static Case c(String name, String raw, int status) {
        return new Case(name, raw, status, 0);
    }

    private static Case c(String name, String raw, int status, int headsBefore) {
        return new Case(name, raw, status, headsBefore);
    }
}
