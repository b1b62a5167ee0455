package io.h2relay.http1;

/** How the body of a received message is delimited (RFC 9112 §6.3). */
public enum BodyFraming {
    /** No body: EndOfMessage follows the head at once (includes Content-Length: 0). */
    NONE,
    /** Content-Length bytes follow. */
    CONTENT_LENGTH,
    /** Transfer-Encoding: chunked. */
    CHUNKED,
    /** Responses only: the body runs until the server closes the connection. */
    UNTIL_CLOSE
}
