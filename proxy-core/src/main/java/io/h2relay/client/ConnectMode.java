package io.h2relay.client;

import java.net.URI;
import java.util.List;
import java.util.Locale;

/** How a connection reaches HTTP/2 (or settles for HTTP/1.1). */
public enum ConnectMode {

    /** Cleartext HTTP/2 with prior knowledge (RFC 9113 §3.3): the preface goes first. URI scheme {@code h2c}. */
    H2C_PRIOR_KNOWLEDGE(false, List.of()),
    /**
     * Cleartext HTTP/1.1 whose first body-less request asks {@code Upgrade: h2c} (RFC 7540 §3.2); on 101 the
     * connection continues as HTTP/2 with that request as stream 1, otherwise it stays HTTP/1.1.
     */
    H2C_UPGRADE(false, List.of()),
    /** Cleartext HTTP/1.1 only. URI scheme {@code http}. */
    HTTP_1_1(false, List.of()),
    /** TLS offering ALPN h2 then http/1.1, speaking whichever the server picks (no ALPN: HTTP/1.1). {@code https}. */
    TLS(true, List.of("h2", "http/1.1")),
    /** TLS offering only h2; a server that does not pick it fails the connection. URI scheme {@code h2}. */
    TLS_H2(true, List.of("h2")),
    /** TLS offering only http/1.1. */
    TLS_HTTP_1_1(true, List.of("http/1.1"));

    private final boolean tls;
    private final List<String> alpn;

    ConnectMode(boolean tls, List<String> alpn) {
        this.tls = tls;
        this.alpn = alpn;
    }

    public boolean tls() {
        return tls;
    }

    /** The ALPN identifiers offered, in preference order (empty for cleartext). */
    public List<String> alpn() {
        return alpn;
    }

    /** The request scheme the connection uses. */
    String scheme() {
        return tls ? "https" : "http";
    }

    int defaultPort() {
        return tls ? 443 : 80;
    }

    /** By URI scheme, as h2relay's upstream URLs (DESIGN.md): h2c, http, h2, https. */
    public static ConnectMode forScheme(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "h2c" -> H2C_PRIOR_KNOWLEDGE;
            case "http" -> HTTP_1_1;
            case "h2" -> TLS_H2;
            case "https" -> TLS;
            default -> throw new IllegalArgumentException("unknown scheme '" + scheme + "' in " + uri
                    + " (h2c, http, h2 or https)");
        };
    }
}
