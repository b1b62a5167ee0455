package io.h2relay.http1;

/** Which side of the connection this codec speaks for. */
public enum Http1Role {
    /** Serializes requests, parses responses. */
    CLIENT,
    /** Parses requests, serializes responses. */
    SERVER
}
