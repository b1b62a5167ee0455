package io.h2relay.proxy;

import io.h2relay.config.ListenerConfig;
import io.h2relay.tls.ServerTls;
import java.util.Objects;

/**
 * What a connection accepted by one listener needs to know about it: its configuration (the protocols it may speak)
 * and its TLS context.
 *
 * @param tls null on a cleartext listener
 */
record ListenerRuntime(ListenerConfig config, ServerTls tls) {

    ListenerRuntime {
        Objects.requireNonNull(config, "config");
    }

    boolean allows(ListenerConfig.Protocol protocol) {
        return config.protocols().contains(protocol);
    }

    /** RFC 7540 §3.2: the h2c Upgrade exists on cleartext only (over TLS, ALPN chooses). */
    boolean allowsH2cUpgrade() {
        return tls == null && allows(ListenerConfig.Protocol.H2C_UPGRADE);
    }
}
