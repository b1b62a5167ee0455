package io.h2relay.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One backend address of a cluster, written as a URL whose scheme says how to talk to it (DESIGN.md, "Upstream
 * URLs"). The URL carries no path, query or user info: paths are a route's business.
 *
 * @param host a DNS name or an IP address (IPv6 without brackets)
 * @param port 1..65535; the scheme's default when the URL had none
 */
public record Endpoint(Scheme scheme, String host, int port) {

    /** How h2relay speaks to the endpoint. */
    public enum Scheme {
        /** HTTP/2 over cleartext TCP with prior knowledge (RFC 9113 §3.3). */
        H2C("h2c", false, 80),
        /** HTTP/1.1 over cleartext TCP. */
        HTTP("http", false, 80),
        /** HTTP/2 over TLS, offering only "h2" in ALPN. */
        H2("h2", true, 443),
        /** TLS with ALPN offering "h2" then "http/1.1"; the server's choice decides. */
        HTTPS("https", true, 443);

        private final String prefix;
        private final boolean tls;
        private final int defaultPort;

        Scheme(String prefix, boolean tls, int defaultPort) {
            this.prefix = prefix;
            this.tls = tls;
            this.defaultPort = defaultPort;
        }

        /** The URL scheme, without "://". */
        public String prefix() {
            return prefix;
        }

        public boolean tls() {
            return tls;
        }

        public int defaultPort() {
            return defaultPort;
        }

        static String supported() {
            String all = Arrays.stream(values()).map(s -> s.prefix + "://").collect(Collectors.joining(", "));
            int last = all.lastIndexOf(", ");
            return all.substring(0, last) + " or " + all.substring(last + 2);
        }
    }

    public Endpoint {
        Objects.requireNonNull(scheme, "scheme");
        Objects.requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range 1..65535: " + port);
        }
    }

    /**
     * Parses {@code scheme://host[:port][/]}.
     *
     * @throws IllegalArgumentException with a message fit for the user, e.g. "unsupported scheme 'ftp' (use h2c://,
     *     http://, h2:// or https://)"
     */
    public static Endpoint parse(String url) {
        int sep = url.indexOf("://");
        if (sep < 0) {
            throw new IllegalArgumentException("'" + url + "' is not a URL (use " + Scheme.supported() + ")");
        }
        String schemeText = url.substring(0, sep).toLowerCase(Locale.ROOT);
        Scheme scheme = Arrays.stream(Scheme.values()).filter(s -> s.prefix.equals(schemeText)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "unsupported scheme '" + url.substring(0, sep) + "' (use " + Scheme.supported() + ")"));
        String rest = url.substring(sep + 3);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        for (char c : new char[] {'/', '?', '#', '@'}) {
            if (rest.indexOf(c) >= 0) {
                throw new IllegalArgumentException("'" + url + "': an endpoint is scheme://host:port only, without "
                        + (c == '@' ? "user info" : "a path or query (rewrite paths with a route's rewrite-prefix)"));
            }
        }
        Addresses.HostPort hp = Addresses.parse(rest, false, 1);
        return new Endpoint(scheme, hp.host(), hp.port() < 0 ? scheme.defaultPort : hp.port());
    }

    /** {@code host:port}, the IPv6 form in brackets; also the {@code :authority} of a connection-level request. */
    public String authority() {
        return Addresses.format(host, port);
    }

    /** The canonical URL, always with the port. */
    public String url() {
        return scheme.prefix + "://" + authority();
    }

    @Override
    public String toString() {
        return url();
    }
}
