package io.h2relay.engine;

/**
 * Which rules apply to a field block (RFC 9113 §8.1, §8.3). The engine picks the kind from the stream state: the
 * first HEADERS on a stream is a request (server side) or a response (client side), a later one with END_STREAM
 * is a trailer section.
 */
public enum HeaderBlockKind {
    /** Request pseudo-headers (:method :scheme :authority :path, :protocol for extended CONNECT). */
    REQUEST,
    /** :status only; final or informational (1xx), decided by the :status value. */
    RESPONSE,
    /** A trailer section: regular fields only (RFC 9113 §8.1). */
    TRAILERS,
    /** The promised request of a PUSH_PROMISE: a request that must be safe and cacheable (RFC 9113 §8.4). */
    PUSH_PROMISE
}
