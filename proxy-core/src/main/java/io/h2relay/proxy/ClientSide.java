package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import java.util.List;

/**
 * Where an exchange came from, as its downstream connection knows it: what a connection actor hands every
 * {@link Stream} it starts. One per HTTP/2 connection, used on that connection's actor only.
 */
final class ClientSide {

    static final String H2 = "h2";
    static final String H2C = "h2c";
    static final String HTTP_1_1 = "http/1.1";

    private final String listener;
    private final String protocol;
    private final boolean tls;
    private final ForwardingHeaders.ClientConnection connection;
    /** This connection's part of the forwarding fields, written once rather than per request. */
    private ForwardingHeaders.Self self;

    /**
     * @param listener the listener's name
     * @param protocol "h2" (HTTP/2 over TLS), "h2c" or "http/1.1"
     * @param tls whether the client connection is TLS
     * @param connection the addresses and scheme the forwarding fields are written from
     */
    ClientSide(String listener, String protocol, boolean tls, ForwardingHeaders.ClientConnection connection) {
        this.listener = listener;
        this.protocol = protocol;
        this.tls = tls;
        this.connection = connection;
    }

    /** What a connection of {@code connection}'s scheme and version is, when only that is known. */
    static ClientSide of(String listener, ForwardingHeaders.ClientConnection connection) {
        boolean tls = connection.scheme().equals("https");
        String protocol = connection.protocolVersion().startsWith("1") ? HTTP_1_1 : tls ? H2 : H2C;
        return new ClientSide(listener, protocol, tls, connection);
    }

    String listener() {
        return listener;
    }

    String protocol() {
        return protocol;
    }

    boolean tls() {
        return tls;
    }

    ForwardingHeaders.ClientConnection connection() {
        return connection;
    }

    /** The request's fields as they go upstream, with this connection's forwarding fields. */
    List<Header> forwarded(ForwardingHeaders headers, List<Header> fields) {
        if (self == null || !self.writtenBy(headers)) {
            self = headers.self(connection);
        }
        return headers.request(fields, self);
    }

    @Override
    public String toString() {
        return "ClientSide[" + listener + ", " + protocol + ", " + connection + "]";
    }
}
