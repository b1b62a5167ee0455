package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import io.h2relay.http1.BodyFraming;
import io.h2relay.http1.Http1Event.RequestHead;
import io.h2relay.http1.Http1Field;
import io.h2relay.http1.Http1Version;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * HTTP/1.1 heads as the proxy carries them inside (contract C3): HTTP/2-style field lists, pseudo-fields first,
 * lower-case names, nothing connection-specific. And back: an HTTP/2 response head as HTTP/1.1 fields.
 *
 * <p>What a request becomes:
 * <ul>
 *   <li>{@code :authority} from the absolute-form target, else {@code Host} (RFC 9112 §3.2.2; the codec has already
 *       made sure there is exactly one valid Host); {@code host} itself is not forwarded (RFC 9113 §8.3.1).</li>
 *   <li>{@code :scheme} from the absolute-form target, else the listener's ("http" or "https").</li>
 *   <li>Connection-specific fields are dropped (RFC 9113 §8.2.2): {@code connection} and every field it names,
 *       {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade},
 *       {@code http2-settings}; {@code te} becomes {@code te: trailers} when it lists trailers, else goes.</li>
 *   <li>A WebSocket handshake ({@code GET} + {@code Upgrade: websocket}, RFC 6455 §4.1) becomes RFC 8441's extended
 *       CONNECT: {@code :method CONNECT}, {@code :protocol websocket}, keeping {@code sec-websocket-*} fields.</li>
 * </ul>
 */
final class Http1Heads {

    private static final Set<String> CONNECTION_SPECIFIC = ConnectionFields.SPECIFIC_AND_HOST;

    private Http1Heads() {}

    /** What an HTTP/1.1 request asks of the connection beyond an ordinary exchange. */
    enum Kind {
        ORDINARY,
        /** RFC 7540 §3.2: switch this connection to HTTP/2, the request becoming stream 1. */
        H2C_UPGRADE,
        /** RFC 6455: a WebSocket handshake, tunnelled as extended CONNECT. */
        WEBSOCKET,
        /** RFC 9110 §9.3.6: a tunnel to the authority. */
        CONNECT
    }

    /**
     * Classifies a request. An Upgrade the codec saw as valid (HTTP/1.1, "upgrade" in Connection) is honoured for
     * "h2c" (when allowed, without a body, with exactly one well-formed HTTP2-Settings named in Connection, RFC 7540
     * §3.2.1) and for "websocket" on a GET without a body; any other Upgrade is ignored (RFC 9110 §7.8 lets a server
     * do so) and the request served as it is, its upgrade fields dropped.
     */
    static Kind kind(RequestHead h, boolean h2cUpgradeAllowed) {
        if (h.method().equals("CONNECT")) {
            return Kind.CONNECT;
        }
        if (h.version() != Http1Version.HTTP_1_1 || !hasToken(h.headers(), "connection", "upgrade")) {
            return Kind.ORDINARY;
        }
        boolean noBody = h.framing() == BodyFraming.NONE;
        if (h2cUpgradeAllowed && noBody && hasToken(h.headers(), "upgrade", "h2c")
                && hasToken(h.headers(), "connection", "http2-settings") && http2Settings(h.headers()) != null) {
            return Kind.H2C_UPGRADE;
        }
        if (h.method().equals("GET") && noBody && hasToken(h.headers(), "upgrade", "websocket")) {
            return Kind.WEBSOCKET;
        }
        return Kind.ORDINARY;
    }

    /** The single HTTP2-Settings value if it is base64url of whole settings (6 octets each), else null. */
    static String http2Settings(List<Http1Field> fields) {
        String value = null;
        for (Http1Field f : fields) {
            if (f.name().equals("http2-settings")) {
                if (value != null) {
                    return null; // RFC 7540 §3.2.1: exactly one
                }
                value = f.value();
            }
        }
        if (value == null) {
            return null;
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(value);
            return payload.length % 6 == 0 ? value : null;
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /**
     * The request as HTTP/2 fields; {@code kind} WEBSOCKET gives the extended CONNECT of RFC 8441 §4.
     *
     * @param defaultAuthority the {@code :authority} of a request without one (an HTTP/1.0 request without Host):
     *     the address the connection arrived on, as RFC 9112 §3.3 reconstructs the target URI
     */
    static List<Header> request(RequestHead h, String listenerScheme, String defaultAuthority, Kind kind) {
        List<Http1Field> fields = h.headers();
        List<Header> out = new ArrayList<>(fields.size() + 4);
        String scheme = h.scheme() != null ? h.scheme().toLowerCase(Locale.ROOT) : listenerScheme;
        if (kind == Kind.CONNECT) {
            out.add(Header.of(":method", "CONNECT"));
            out.add(Header.of(":authority", h.authority()));
        } else {
            out.add(Header.of(":method", kind == Kind.WEBSOCKET ? "CONNECT" : h.method()));
            if (kind == Kind.WEBSOCKET) {
                out.add(Header.of(":protocol", "websocket"));
            }
            out.add(Header.of(":scheme", scheme));
            out.add(Header.of(":authority", h.authority().isEmpty() ? defaultAuthority : h.authority()));
            out.add(Header.of(":path", h.path()));
        }
        Set<String> named = connectionOptions(fields);
        boolean teTrailers = false;
        for (Http1Field f : fields) {
            String name = f.name();
            if (name.equals("te")) {
                teTrailers |= ForwardingHeaders.listsTrailers(f.value());
            } else if (!CONNECTION_SPECIFIC.contains(name) && !named.contains(name)) {
                out.add(Header.of(name, f.value()));
            }
        }
        if (teTrailers) {
            out.add(Header.of("te", "trailers"));
        }
        return out;
    }

    /** An HTTP/2 response head or trailers as HTTP/1.1 fields: pseudo-fields and connection-specific ones dropped. */
    static List<Http1Field> fields(List<Header> head) {
        List<Http1Field> out = new ArrayList<>(head.size());
        for (Header h : head) {
            String name = h.name();
            if (!name.startsWith(":") && !CONNECTION_SPECIFIC.contains(name)) {
                out.add(Http1Field.of(name, h.value()));
            }
        }
        return out;
    }

    /**
     * The 101 that tells a WebSocket client its handshake succeeded (RFC 6455 §4.2.2), from the backend's 200 to the
     * extended CONNECT (RFC 8441 §5): Upgrade and Connection, then the backend's fields (Sec-WebSocket-Accept,
     * -Protocol, -Extensions...).
     */
    static List<Http1Field> switchingToWebSocket(List<Header> head) {
        List<Http1Field> out = new ArrayList<>(head.size() + 2);
        out.add(Http1Field.of("upgrade", "websocket"));
        out.add(Http1Field.of("connection", "upgrade"));
        for (Header h : head) {
            String name = h.name();
            if (!name.startsWith(":") && !CONNECTION_SPECIFIC.contains(name) && !name.equals("content-length")) {
                out.add(Http1Field.of(name, h.value()));
            }
        }
        return out;
    }

    /** The status of an HTTP/2 head, or -1 when it has none that parses. */
    static int status(List<Header> head) {
        for (Header h : head) {
            if (h.name().equals(":status")) {
                try {
                    return Integer.parseInt(h.value());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    private static Set<String> connectionOptions(List<Http1Field> fields) {
        Set<String> named = Set.of();
        for (Http1Field f : fields) {
            if (f.name().equals("connection")) {
                named = ConnectionFields.addOptions(named, f.value());
            }
        }
        return named;
    }

    /** Whether a comma-separated field lists {@code token} (case-insensitive), in any of its lines. */
    static boolean hasToken(List<Http1Field> fields, String name, String token) {
        for (Http1Field f : fields) {
            if (f.name().equals(name)) {
                for (String element : f.value().split(",")) {
                    String e = element.trim();
                    int slash = e.indexOf('/'); // Upgrade: protocol-name ["/" protocol-version]
                    if (name.equals("upgrade") && slash >= 0) {
                        e = e.substring(0, slash);
                    }
                    if (e.equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
