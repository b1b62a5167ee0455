package io.h2relay.proxy;

import io.h2relay.hpack.Header;
import io.h2relay.http1.Http1Event;
import io.h2relay.http1.Http1Field;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The proxy's internal HTTP/2-style heads (contract C3) to HTTP/1.1 and back, for backends spoken to over HTTP/1.1.
 *
 * <p>Requests: {@code :authority} becomes {@code host} (RFC 9113 §8.3.1), several {@code cookie} fields are joined
 * with "; " (§8.2.3), connection-specific fields never go out (RFC 9110 §7.6.1), and an RFC 8441 extended CONNECT
 * with {@code :protocol websocket} becomes the RFC 6455 §4.1 opening handshake ({@code GET} + {@code Upgrade:
 * websocket} + {@code Connection: Upgrade}). Responses: {@code :status} first, lower-case names, connection-specific
 * fields dropped; a {@code 101} to a WebSocket handshake becomes the final {@code :status 200} (RFC 8441 §5).
 */
final class Http1Mapping {

    private Http1Mapping() {}

    private static final Set<String> CONNECTION_SPECIFIC = ConnectionFields.SPECIFIC_AND_HOST;

    /** RFC 9110 §9.2.2: methods whose repetition has the effect of one request. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE");

    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * One request as HTTP/1.1 writes it.
     *
     * @param websocket the request is a WebSocket opening handshake (from extended CONNECT): a 101 opens a tunnel
     * @param idempotent RFC 9110 §9.2.2, decides whether a lost request may be sent again
     */
    record Request(String method, String target, List<Http1Field> fields, boolean websocket, boolean idempotent) {}

    /** {@code defaultAuthority}: the endpoint's, for a request without {@code :authority} or {@code host}. */
    static Request request(List<Header> head, String defaultAuthority) {
        String method = null;
        String path = null;
        String authority = null;
        String host = null;
        String protocol = null;
        StringBuilder cookie = null;
        boolean hasKey = false;
        for (Header h : head) {
            switch (h.name()) {
                case ":method" -> method = h.value();
                case ":path" -> path = h.value();
                case ":authority" -> authority = h.value();
                case ":protocol" -> protocol = h.value();
                case "host" -> host = h.value();
                case "cookie" -> cookie = cookie == null ? new StringBuilder(h.value()) : cookie.append("; ")
                        .append(h.value());
                case "sec-websocket-key" -> hasKey = true;
                default -> { }
            }
        }
        if (method == null) {
            throw new IllegalArgumentException("a request head without :method");
        }
        String hostValue = authority != null ? authority : host != null ? host : defaultAuthority;
        boolean websocket = method.equals("CONNECT") && protocol != null
                && protocol.toLowerCase(Locale.ROOT).equals("websocket");
        String target;
        if (websocket) {
            method = "GET";
            target = path == null ? "/" : path;
        } else if (method.equals("CONNECT")) {
            target = hostValue; // RFC 9110 §9.3.6: authority-form
        } else {
            target = path == null ? "/" : path;
        }
        Set<String> named = connectionOptions(head);
        List<Http1Field> fields = new ArrayList<>(head.size() + 3);
        fields.add(Http1Field.of("host", hostValue));
        for (Header h : head) {
            String name = h.name();
            if (name.startsWith(":") || name.equals("cookie") || CONNECTION_SPECIFIC.contains(name)
                    || named.contains(name)) {
                continue;
            }
            fields.add(Http1Field.of(name, h.value()));
        }
        if (cookie != null) {
            fields.add(Http1Field.of("cookie", cookie.toString()));
        }
        if (websocket) {
            fields.add(Http1Field.of("upgrade", "websocket"));
            fields.add(Http1Field.of("connection", "Upgrade"));
            if (!hasKey) {
                // An HTTP/2 client sends no key (RFC 8441 §5); RFC 6455 §4.1 wants a fresh random one.
                byte[] key = new byte[16];
                RANDOM.nextBytes(key);
                fields.add(Http1Field.of("sec-websocket-key", Base64.getEncoder().encodeToString(key)));
            }
        }
        return new Request(method, target, fields, websocket, !websocket && IDEMPOTENT.contains(method));
    }

    /** A response head (final or 1xx) as the proxy passes it on; a 101 to a WebSocket handshake becomes 200. */
    static List<Header> response(Http1Event.ResponseHead head, boolean websocket) {
        int status = head.status() == 101 && websocket ? 200 : head.status();
        List<Http1Field> in = head.headers();
        Set<String> named = connectionOptions1(in);
        List<Header> out = new ArrayList<>(in.size() + 1);
        out.add(Header.of(":status", Integer.toString(status)));
        for (Http1Field f : in) {
            String name = f.name(); // the codec lower-cases parsed names
            if (!CONNECTION_SPECIFIC.contains(name) && !named.contains(name)) {
                out.add(Header.of(name, f.value()));
            }
        }
        return out;
    }

    /** Trailer fields, lower-case, minus connection-specific ones (RFC 9110 §6.5.1). */
    static List<Header> trailers(List<Http1Field> in) {
        List<Header> out = new ArrayList<>(in.size());
        for (Http1Field f : in) {
            if (!CONNECTION_SPECIFIC.contains(f.name())) {
                out.add(Header.of(f.name(), f.value()));
            }
        }
        return out;
    }

    /** Trailer fields as HTTP/1.1 writes them. */
    static List<Http1Field> fields(List<Header> in) {
        List<Http1Field> out = new ArrayList<>(in.size());
        for (Header h : in) {
            if (!h.name().startsWith(":") && !CONNECTION_SPECIFIC.contains(h.name())) {
                out.add(Http1Field.of(h.name(), h.value()));
            }
        }
        return out;
    }

    private static Set<String> connectionOptions(List<Header> head) {
        Set<String> named = Set.of();
        for (Header h : head) {
            if (h.name().equals("connection")) {
                named = ConnectionFields.addOptions(named, h.value());
            }
        }
        return named;
    }

    private static Set<String> connectionOptions1(List<Http1Field> head) {
        Set<String> named = Set.of();
        for (Http1Field f : head) {
            if (f.name().equals("connection")) {
                named = ConnectionFields.addOptions(named, f.value());
            }
        }
        return named;
    }
}
