package io.h2relay.http1;

import java.util.List;

/**
 * RFC 9112 §6.3 (message body length) and §3.2 (Host) applied to a received head. Each rule either yields a length
 * or throws {@link BadMessage} with the status a server answers; the reader maps statuses to 502 for responses.
 */
final class Framing {

    private Framing() {
    }

    /** Body length: chunked. */
    static final long CHUNKED = -1;
    /** Body length: until the server closes (responses only). */
    static final long UNTIL_CLOSE = -2;

    /**
     * §3.2: exactly one valid Host in HTTP/1.1, at most one in HTTP/1.0. Returns the effective authority: the
     * target's for absolute- and authority-form (§3.2.2: the Host field is then ignored), else Host's value or "".
     */
    static String requestAuthority(String method, String target, List<Http1Field> fields, Http1Version version) {
        int hosts = Syntax.count(fields, "host");
        if (hosts > 1) {
            throw new BadMessage(400, "more than one Host field");
        }
        if (hosts == 0 && version == Http1Version.HTTP_1_1) {
            throw new BadMessage(400, "missing Host field");
        }
        String host = Syntax.first(fields, "host");
        if (host != null) {
            String why = RequestTarget.hostPort(host, false, true);
            if (why != null) {
                throw new BadMessage(400, "invalid Host field: " + why);
            }
        }
        String authority = RequestTarget.authorityOf(method, target);
        if (authority != null) {
            return authority;
        }
        return host == null ? "" : host;
    }

    /** §6.3 for requests: the length (0 when there is no framing field), or {@link #CHUNKED}. */
    static long requestBodyLength(List<Http1Field> fields, Http1Version version, long maxBody) {
        boolean te = Syntax.count(fields, "transfer-encoding") > 0;
        long length = Syntax.contentLength(fields);
        if (te) {
            if (version == Http1Version.HTTP_1_0) {
                // §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing.
                throw new BadMessage(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (length != -1) {
                // §6.3 item 3: "ought to be handled as an error"; the classic CL.TE / TE.CL smuggling vector.
                throw new BadMessage(400, "both Content-Length and Transfer-Encoding");
            }
            requireChunkedLast(Syntax.elements(fields, "transfer-encoding"));
            return CHUNKED;
        }
        if (length == -2) {
            throw new BadMessage(400, "invalid Content-Length");
        }
        if (length > maxBody) {
            throw new BadMessage(413, "Content-Length above the limit");
        }
        return Math.max(length, 0);
    }

    /**
     * §6.3 item 4: chunked must be the final coding, exactly once, or the length cannot be determined (400, a MUST).
     * When it is, any coding in front of it is one we do not implement (§6.1: 501, a SHOULD). So "xchunked" and
     * "gzip" alone are 400 and "gzip, chunked" is 501. Empty list elements and parameters are refused.
     */
    static void requireChunkedLast(List<String> codings) {
        int chunked = 0;
        for (String c : codings) {
            if (c.isEmpty()) {
                throw new BadMessage(400, "empty element in Transfer-Encoding");
            }
            if (c.equalsIgnoreCase("chunked")) {
                chunked++;
            }
        }
        boolean last = codings.get(codings.size() - 1).equalsIgnoreCase("chunked");
        if (!last || chunked != 1) {
            throw new BadMessage(400, "chunked is not the final transfer coding, exactly once");
        }
        if (codings.size() > 1) {
            throw new BadMessage(501, "transfer coding not implemented");
        }
    }

    /**
     * §6.3 for responses (HEAD, 1xx, 204, 304 and 2xx to CONNECT are handled before): the length, {@link #CHUNKED}
     * or {@link #UNTIL_CLOSE}. Stricter than item 4, which reads a body with another coding until close: a
     * Transfer-Encoding other than exactly "chunked" is an error, because we never offer other codings (we send no
     * TE field) and could not pass them on to HTTP/2.
     */
    static long responseBodyLength(List<Http1Field> fields, Http1Version version, long maxBody) {
        boolean te = Syntax.count(fields, "transfer-encoding") > 0;
        long length = Syntax.contentLength(fields);
        if (te) {
            if (version == Http1Version.HTTP_1_0) {
                throw new BadMessage(502, "Transfer-Encoding in an HTTP/1.0 response");
            }
            if (length != -1) {
                throw new BadMessage(502, "both Content-Length and Transfer-Encoding");
            }
            List<String> codings = Syntax.elements(fields, "transfer-encoding");
            if (codings.size() != 1 || !codings.get(0).equalsIgnoreCase("chunked")) {
                throw new BadMessage(502, "unsupported transfer coding");
            }
            return CHUNKED;
        }
        if (length == -2) {
            throw new BadMessage(502, "invalid Content-Length");
        }
        if (length > maxBody) {
            throw new BadMessage(502, "Content-Length above the limit");
        }
        return length == -1 ? UNTIL_CLOSE : length;
    }
}
