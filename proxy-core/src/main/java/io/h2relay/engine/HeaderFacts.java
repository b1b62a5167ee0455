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

    /** A CONNECT request, plain or extended (RFC 9113 §8.5, RFC 8441). */
    public boolean isConnect() {
        return "CONNECT".equals(method);
    }
}
