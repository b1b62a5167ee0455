package io.h2relay.engine;

/** h2's connection states. GOAWAY does not end the connection here: see {@link ConnectionStateMachine}. */
public enum ConnectionState {
    IDLE,
    CLIENT_OPEN,
    SERVER_OPEN,
    /** A connection error was found (or sent): nothing but GOAWAY passes any more. */
    CLOSED
}
