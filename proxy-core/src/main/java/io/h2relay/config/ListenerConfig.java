package io.h2relay.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One listener ({@code h2relay.listeners.<name>}), cleartext or TLS.
 *
 * @param host the interface to bind: a name, an IPv4 address or an IPv6 address without brackets
 * @param port 1..65535, or 0 for any free port (tests)
 * @param protocols what a client may speak on the port; never empty, and {@link Protocol#H2C_UPGRADE} only with
 *     {@link Protocol#HTTP_1_1} (the upgrade starts as an HTTP/1.1 request). On a TLS listener they govern
 *     connections whose handshake chose no ALPN protocol: HTTP/1.1, or HTTP/2 recognised by its preface
 * @param tls the TLS settings; {@link TlsListenerConfig#OFF} (or any not {@code enabled()}) for a cleartext listener
 */
public record ListenerConfig(String name, String host, int port, Set<Protocol> protocols, TlsListenerConfig tls) {

    /** The protocols a cleartext listener can accept, by their configuration names. */
    public enum Protocol {
        /** HTTP/2 with prior knowledge: the client opens with the connection preface (RFC 9113 §3.3). */
        H2C("h2c"),
        /** HTTP/1.1 (RFC 9112). */
        HTTP_1_1("http/1.1"),
        /** HTTP/1.1 {@code Upgrade: h2c} (RFC 7540 §3.2; RFC 9113 deprecates it, clients such as curl still use it). */
        H2C_UPGRADE("h2c-upgrade");

        private final String configName;

        Protocol(String configName) {
            this.configName = configName;
        }

        public String configName() {
            return configName;
        }

        static Protocol byConfigName(String name) {
            return Arrays.stream(values()).filter(p -> p.configName.equals(name)).findFirst().orElse(null);
        }
    }

    public ListenerConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
        protocols = Set.copyOf(protocols);
        Objects.requireNonNull(tls, "tls");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("a listener accepts at least one protocol");
        }
        if (protocols.contains(Protocol.H2C_UPGRADE) && !protocols.contains(Protocol.HTTP_1_1)) {
            throw new IllegalArgumentException("h2c-upgrade needs http/1.1: the upgrade is an HTTP/1.1 request");
        }
    }

    /** A cleartext listener. */
    public ListenerConfig(String name, String host, int port, Set<Protocol> protocols) {
        this(name, host, port, protocols, TlsListenerConfig.OFF);
    }

    /** Every protocol: the default. */
    public static Set<Protocol> allProtocols() {
        return EnumSet.allOf(Protocol.class);
    }

    /** {@code host:port}, the IPv6 form in brackets. */
    public String address() {
        return Addresses.format(host, port);
    }
}
