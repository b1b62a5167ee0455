package io.h2relay.http1;

/**
 * The state of one direction of a connection: our messages ({@link Http1Connection#ourState()}) or the peer's
 * ({@link Http1Connection#theirState()}). The shape follows python's h11.
 */
public enum Http1State {
    /** Between messages. */
    IDLE,
    /** A request is outstanding and its response head has not been sent (server) or received (client). */
    SEND_RESPONSE,
    /** The head is done and the body is under way. */
    BODY,
    /** The message is complete; waiting for the other direction to finish the exchange. */
    DONE,
    /** The message is complete and the connection will not carry another one: close it once output is written. */
    MUST_CLOSE,
    /** The peer closed its side (end of stream received). */
    CLOSED,
    /** A 101 or a 2xx to CONNECT handed the connection to another protocol. */
    SWITCHED,
    /** The peer broke the protocol ({@link Http1Event.Malformed} was reported). */
    ERROR
}
