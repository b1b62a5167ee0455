package io.h2relay.config;

import java.util.Objects;

/**
 * The built-in origin ({@code h2relay.origin}): the httpbin-like HTTP/2 test backend, started beside the proxy when
 * enabled. It is reached through an ordinary cluster and route; this only says whether and where it listens.
 */
public record OriginConfig(boolean enabled, String host, int port) {

    public OriginConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    public String address() {
        return Addresses.format(host, port);
    }
}
