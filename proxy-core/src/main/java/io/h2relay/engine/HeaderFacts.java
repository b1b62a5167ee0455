package io.h2relay.engine;

import io.h2relay.hpack.Header;
import java.util.List;

/**
 * What the engine needs to know about a block {@link HeaderRules} accepted.
 *
 * @param headers the block after normalization; the caller's own list instance when nothing needed changing
 * @param method :method of a request or push promise, else null
 * @param status :status of a response, else -1
 * @param informational a 1xx response (RFC 9110 §15.2): more HEADERS follow, never with END_STREAM
 * @param contentLength the declared content-length, -1 when absent (always -1 for trailers, which carry no framing)
 * @param protocol :protocol of an extended CONNECT (RFC 8441 §4), else null
 * @param priority the RFC 9218 `priority` field value (several fields joined with ", "), else null
 */
public record HeaderFacts(List<Header> headers, String method, int status, boolean informational,
        long contentLength, String protocol, String priority) {

    /**
     * The content bytes this message must carry (RFC 9113 §8.1.1), or -1 when only END_STREAM ends it: see
     * {@link HeaderRules#expectedBodyLength}. Trailers carry no framing: -1.
     *
     * @param requestMethod for a response, the method of the request it answers (null if unknown); ignored for a
     *     request, whose own method counts
     */
    public long expectedBodyLength(String requestMethod) {
        return HeaderRules.expectedBodyLength(status < 0 ? method : requestMethod, status, contentLength);
    }

    /** A CONNECT request, plain or extended (RFC 9113 §8.5, RFC 8441). */
    public boolean isConnect() {
        return "CONNECT".equals(method);
    }
}
