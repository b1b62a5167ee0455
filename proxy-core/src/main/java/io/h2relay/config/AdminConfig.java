package io.h2relay.config;

import java.util.Objects;

/** Where the admin endpoints listen ({@code h2relay.admin}); what they serve belongs to the application. */
public record AdminConfig(boolean enabled, String host, int port) {

    public AdminConfig {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range 0..65535: " + port);
        }
    }

    public String address() {
        return Addresses.format(host, port);
    }
}
