package io.h2relay.proxy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Fields that describe one connection and never cross a proxy (RFC 9110 §7.6.1, RFC 9113 §8.2.2), shared by the
 * HTTP/2 forwarding rules and the HTTP/1.1 mappings so both sides drop the same names.
 */
final class ConnectionFields {

    /** Connection-specific fields, dropped whatever the protocol on either side. */
    static final Set<String> SPECIFIC = Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding",
            "upgrade", "te", "http2-settings");

    /** {@link #SPECIFIC} and {@code host}, which becomes {@code :authority} between HTTP/1.1 and HTTP/2 and back. */
    static final Set<String> SPECIFIC_AND_HOST = Set.of("connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade", "te", "http2-settings", "host");

    private ConnectionFields() {}

    /**
     * {@code named} plus the lower-cased options one Connection field {@code value} lists; a new set when
     * {@code named} is empty (so callers may start from {@code Set.of()}), else {@code named} itself.
     */
    static Set<String> addOptions(Set<String> named, String value) {
        Set<String> out = named.isEmpty() ? new HashSet<>() : named;
        for (String option : value.split(",")) {
            String o = option.trim().toLowerCase(Locale.ROOT);
            if (!o.isEmpty()) {
                out.add(o);
            }
        }
        return out;
    }
}
