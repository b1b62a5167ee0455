package io.h2relay.proxy;

/**
 * Where an exchange came from, as its downstream connection knows it: what a connection actor hands every
 * {@link Stream} it spawns.
 *
 * @param listener the listener's name
 * @param protocol "h2" (HTTP/2 over TLS), "h2c" or "http/1.1"
 * @param tls whether the client connection is TLS
 * @param connection the addresses and scheme the forwarding fields are written from
 */
record ClientSide(String listener, String protocol, boolean tls, ForwardingHeaders.ClientConnection connection) {

    static final String H2 = "h2";
    static final String H2C = "h2c";
    static final String HTTP_1_1 = "http/1.1";

    /** What a connection of {@code connection}'s scheme and version is, when only that is known. */
    static ClientSide of(String listener, ForwardingHeaders.ClientConnection connection) {
        boolean tls = connection.scheme().equals("https");
        String protocol = connection.protocolVersion().startsWith("1") ? HTTP_1_1 : tls ? H2 : H2C;
        return new ClientSide(listener, protocol, tls, connection);
    }
}
