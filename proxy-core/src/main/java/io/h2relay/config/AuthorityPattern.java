package io.h2relay.config;

import java.util.Locale;
import java.util.Objects;

/**
 * What a route accepts in the request's {@code :authority} (or {@code Host}). Hosts compare case-insensitively
 * (RFC 9110 §4.2.3); a pattern without a port accepts any port, one with a port only a request that names that port.
 *
 * @param host lowercase: {@code *} (any host), {@code *.example.com} (any name ending in {@code .example.com}, not
 *     {@code example.com} itself), or an exact host; IPv6 literals keep their brackets, as in an authority
 * @param port 1..65535, or -1 for any
 */
public record AuthorityPattern(String host, int port) {

    public static final AuthorityPattern ANY = new AuthorityPattern("*", -1);

    public AuthorityPattern {
        Objects.requireNonNull(host, "host");
        if (port != -1 && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("port out of range 1..65535: " + port);
        }
    }

    /**
     * Parses {@code *}, {@code *:8080}, {@code *.example.com}, {@code api.example.com:8443}, {@code [::1]:8080}.
     *
     * @throws IllegalArgumentException with a message fit for the user
     */
    public static AuthorityPattern parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("*")) {
            return ANY;
        }
        if (t.startsWith("*:")) {
            return new AuthorityPattern("*", Addresses.port(t.substring(2), 1, text));
        }
        boolean wildcard = t.startsWith("*.");
        String body = wildcard ? t.substring(2) : t;
        if (body.indexOf('*') >= 0) {
            throw new IllegalArgumentException("'" + text + "': a wildcard is only allowed as the whole first label, "
                    + "as in *.example.com");
        }
        Addresses.HostPort hp = Addresses.parse(body, false, 1);
        String host = hp.host();
        if (host.indexOf(':') >= 0) {
            if (wildcard) {
                throw new IllegalArgumentException("'" + text + "': an IPv6 address cannot take a wildcard");
            }
            host = "[" + host + "]";
        } else if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1); // the absolute form names the same host
        }
        return new AuthorityPattern(wildcard ? "*." + host : host, hp.port());
    }

    public boolean isAny() {
        return host.equals("*");
    }

    public boolean isWildcard() {
        return host.startsWith("*.");
    }

    /** The pattern as written back: {@code host}, {@code host:port}, {@code *.suffix:port}, {@code *}. */
    @Override
    public String toString() {
        return port < 0 ? host : host + ":" + port;
    }
}
