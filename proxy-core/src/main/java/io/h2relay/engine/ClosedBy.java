package io.h2relay.engine;

/**
 * What closed a stream. It decides how a late frame on the closed stream is treated (RFC 9113 §5.1 "closed"):
 * ignored after our RST_STREAM, a stream error after the peer's, a connection error after END_STREAM.
 */
enum ClosedBy {
    SEND_END_STREAM,
    RECV_END_STREAM,
    SEND_RST_STREAM,
    RECV_RST_STREAM
}
