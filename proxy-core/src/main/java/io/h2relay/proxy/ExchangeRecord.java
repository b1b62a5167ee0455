package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * One request/response exchange as the client saw it, for {@link ExchangeObserver}s. Heads are as the client sent
 * them and as the client received them (after the proxy's rewrites), pseudo-fields included.
 *
 * @param started when the request head arrived
 * @param durationNanos from the request head to the end of the exchange (the last byte handed to the client's
 *     socket, or the reset)
 * @param upstreamNanos from the request head going to the backend to the response head coming back (of the last
 *     attempt); -1 when no response head came from a backend
 * @param listener the listener's name
 * @param protocol "h2" (over TLS), "h2c" or "http/1.1"
 * @param streamId the client's stream (HTTP/2), or the request's number on its connection (HTTP/1.1)
 * @param route null when no route took the request (404)
 * @param cluster null when no route took the request
 * @param upstream the backend endpoint's URL (of the last attempt), or null when the request never reached one
 * @param requestTrailers null when the request had none
 * @param requestBody the first {@link ExchangeObserver#captureLimit} body bytes, or null when none were asked for
 * @param status the final status the client received; 0 when it received none
 * @param responseHead null when the client received no final head
 * @param responseTrailers null when the response had none
 * @param priority the request's RFC 9218 priority field value (the last PRIORITY_UPDATE wins), or null
 * @param resetCode the RST_STREAM code that ended the client's stream (sent or received), or -1
 */
public record ExchangeRecord(
        Instant started, long durationNanos, long upstreamNanos,
        String listener, InetSocketAddress client, String protocol,
        boolean tls, int streamId, String route, String cluster, String upstream,
        List<Header> requestHead, List<Header> requestTrailers, long requestBodyBytes, byte[] requestBody,
        boolean requestBodyTruncated,
        int status, List<Header> responseHead, List<Header> responseTrailers, long responseBodyBytes,
        byte[] responseBody, boolean responseBodyTruncated, String priority,
        Outcome outcome, int resetCode) {

    /** How the exchange ended. */
    public enum Outcome {
        /** The response went out whole (whatever its status). */
        COMPLETED,
        /** The proxy answered itself: no route (404), backend unreachable or broken (502), none healthy or busy (503). */
        LOCAL_RESPONSE,
        /** The client reset the stream, or its connection went away, before the exchange ended. */
        CLIENT_RESET,
        /** The backend reset its stream and the reset was passed on to the client. */
        UPSTREAM_RESET,
        /** No response head within the route's timeout: the client got 504. */
        TIMEOUT,
        /** The exchange broke after the response began (the backend connection was lost): the client stream reset. */
        FAILED
    }

    /** The value of the first request field named {@code name} (lowercase), or null. */
    public String requestField(String name) {
        return field(requestHead, name);
    }

    /** The value of the first response field named {@code name} (lowercase), or null. */
    public String responseField(String name) {
        return field(responseHead, name);
    }

    private static String field(List<Header> head, String name) {
        if (head != null) {
            for (Header h : head) {
                if (h.name().equals(name)) {
                    return h.value();
                }
            }
        }
        return null;
    }
}
