package io.h2relay.proxy;

import io.h2relay.config.ForwardingConfig;
import io.h2relay.config.ForwardingConfig.Node;
import io.h2relay.hpack.Header;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a message's header fields become when they cross the proxy (RFC 9110 §7.6): connection-specific fields are
 * removed, and {@code x-forwarded-for}, {@code x-forwarded-proto}, {@code forwarded} (RFC 7239) and {@code via} are
 * written as the configuration says. Pseudo-header fields pass unchanged and first; added fields go last.
 *
 * <p>Connection-specific fields, dropped both ways (RFC 9110 §7.6.1; RFC 9113 §8.2.2): {@code connection} and every
 * field it names, {@code keep-alive}, {@code proxy-connection}, {@code transfer-encoding}, {@code upgrade},
 * {@code http2-settings} (RFC 7540 §3.2.1) and {@code te}, except that a request whose {@code te} lists
 * {@code trailers} is forwarded with {@code te: trailers} (gRPC needs it; it is the one TE value HTTP/2 allows).
 * {@code proxy-authorization} is dropped from requests unless relaying is configured (RFC 9110 §11.7.2: it is for
 * the proxy that asked); {@code proxy-authenticate} in responses passes untouched (RFC 9110 §11.7.1 forbids
 * changing it).
 */
public final class ForwardingHeaders {

    /**
     * The client connection a request arrived on.
     *
     * @param remote the client's address; null when unknown
     * @param local the address the request was received on (for {@code by=}); null when unknown
     * @param scheme "http" or "https", as the client used
     * @param protocolVersion the version the request was received in, as {@code via} writes it: "2", "1.1", "1.0"
     */
    public record ClientConnection(InetSocketAddress remote, InetSocketAddress local, String scheme,
            String protocolVersion) {

        public ClientConnection {
            Objects.requireNonNull(scheme, "scheme");
            Objects.requireNonNull(protocolVersion, "protocolVersion");
        }
    }

    private static final Set<String> CONNECTION_SPECIFIC = ConnectionFields.SPECIFIC;

    private final ForwardingConfig config;
    private final String viaSuffix;

    public ForwardingHeaders(ForwardingConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.viaSuffix = " " + config.viaPseudonym();
    }

    /**
     * What the forwarding fields say about one client connection, the same for all its requests: written once per
     * connection ({@link #self}) rather than per request.
     */
    static final class Self {
        private final ForwardingHeaders writer;
        final ClientConnection client;
        /** The client's address for {@code x-forwarded-for}; null when unknown. */
        final String address;
        /** {@code for=...;by=...;proto=...} of the forwarded-element, without {@code host}. */
        final String forwarded;
        final String via;

        private Self(ForwardingHeaders writer, ClientConnection client) {
            this.writer = writer;
            this.client = client;
            InetAddress a = client.remote() == null ? null : client.remote().getAddress();
            this.address = a == null ? null : ipText(a);
            StringBuilder sb = new StringBuilder(64);
            pair(sb, "for", node(writer.config.forwardedFor(), client.remote()));
            pair(sb, "by", node(writer.config.forwardedBy(), client.local()));
            pair(sb, "proto", quoteIfNeeded(client.scheme()));
            this.forwarded = sb.toString();
            this.via = client.protocolVersion() + writer.viaSuffix;
        }

        boolean writtenBy(ForwardingHeaders headers) {
            return writer == headers;
        }
    }

    /** The connection's part of the forwarding fields, for {@link #request(List, Self)}. */
    Self self(ClientConnection client) {
        return new Self(this, client);
    }

    /** The fields of a request as it goes upstream. */
    public List<Header> request(List<Header> fields, ClientConnection client) {
        return request(fields, self(client));
    }

    /** The fields of a request as it goes upstream, with the connection's part written beforehand. */
    List<Header> request(List<Header> fields, Self self) {
        ClientConnection client = self.client;
        Set<String> named = connectionOptions(fields);
        boolean teTrailers = false;
        String authority = null;
        String host = null;
        StringBuilder xff = null;
        String xfp = null;
        StringBuilder forwarded = null;
        StringBuilder via = null;
        List<Header> out = new ArrayList<>(fields.size() + 5);
        for (Header h : fields) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.startsWith(":")) {
                if (name.equals(":authority")) {
                    authority = h.value();
                }
                out.add(h);
                continue;
            }
            if (name.equals("te")) {
                teTrailers |= listsTrailers(h.value()); // regenerated below, even when Connection names it
                continue;
            }
            if (CONNECTION_SPECIFIC.contains(name) || named.contains(name)) {
                continue;
            }
            switch (name) {
                case "host" -> {
                    host = h.value();
                    out.add(h);
                }
                case "proxy-authorization" -> {
                    if (config.relayProxyAuthorization()) {
                        out.add(h);
                    }
                }
                case "x-forwarded-for" -> {
                    if (!config.xForwardedFor()) {
                        out.add(h);
                    } else if (config.trustIncoming()) {
                        xff = append(xff, h.value());
                    }
                }
                case "x-forwarded-proto" -> {
                    if (!config.xForwardedProto()) {
                        out.add(h);
                    } else if (config.trustIncoming() && xfp == null) {
                        xfp = h.value();
                    }
                }
                case "forwarded" -> {
                    if (!config.forwarded()) {
                        out.add(h);
                    } else if (config.trustIncoming()) {
                        forwarded = append(forwarded, h.value());
                    }
                }
                case "via" -> {
                    if (!config.via()) {
                        out.add(h);
                    } else {
                        via = append(via, h.value()); // a trace, not a claim: kept whether trusted or not
                    }
                }
                default -> out.add(h);
            }
        }
        if (teTrailers) {
            out.add(Header.of("te", "trailers"));
        }
        if (config.xForwardedFor()) {
            if (self.address != null) {
                xff = append(xff, self.address);
            }
            if (xff != null) {
                out.add(Header.of("x-forwarded-for", xff.toString()));
            }
        }
        if (config.xForwardedProto()) {
            out.add(Header.of("x-forwarded-proto", xfp != null ? xfp : client.scheme()));
        }
        if (config.forwarded()) {
            String element = forwardedElement(self, authority != null ? authority : host);
            out.add(Header.of("forwarded", forwarded == null ? element : append(forwarded, element).toString()));
        }
        if (config.via()) {
            out.add(Header.of("via", via == null ? self.via : append(via, self.via).toString()));
        }
        return out;
    }

    /**
     * The fields of a response as it goes to the client.
     *
     * @param protocolVersion the version the response was received in from the backend: "2", "1.1", "1.0"
     */
    public List<Header> response(List<Header> fields, String protocolVersion) {
        Set<String> named = connectionOptions(fields);
        StringBuilder via = null;
        List<Header> out = new ArrayList<>(fields.size() + 1);
        for (Header h : fields) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (CONNECTION_SPECIFIC.contains(name) || named.contains(name)) {
                continue;
            }
            if (config.via() && name.equals("via")) {
                via = append(via, h.value());
                continue;
            }
            out.add(h);
        }
        if (config.via()) {
            out.add(Header.of("via", append(via, protocolVersion + viaSuffix).toString()));
        }
        return out;
    }

    /**
     * The fields without the connection-specific ones, {@code te} included; for trailers, which carry no
     * forwarding fields.
     */
    public static List<Header> withoutConnectionSpecific(List<Header> fields) {
        Set<String> named = connectionOptions(fields);
        List<Header> out = new ArrayList<>(fields.size());
        for (Header h : fields) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (!CONNECTION_SPECIFIC.contains(name) && !named.contains(name)) {
                out.add(h);
            }
        }
        return out;
    }

    /** The lowercase field names listed in every {@code connection} field (RFC 9110 §7.6.1). */
    static Set<String> connectionOptions(List<Header> fields) {
        Set<String> named = Set.of();
        for (Header h : fields) {
            if (h.name().equalsIgnoreCase("connection")) {
                named = ConnectionFields.addOptions(named, h.value());
            }
        }
        return named;
    }

    /** Whether a TE value lists "trailers" (RFC 9110 §10.1.4: t-codings, each maybe with parameters). */
    static boolean listsTrailers(String te) {
        for (String coding : te.split(",")) {
            int semi = coding.indexOf(';');
            String c = (semi < 0 ? coding : coding.substring(0, semi)).trim();
            if (c.equalsIgnoreCase("trailers")) {
                return true;
            }
        }
        return false;
    }

    /** One RFC 7239 forwarded-element: {@code for=...;by=...;proto=...;host=...}. */
    private static String forwardedElement(Self self, String host) {
        if (host == null || !isQuotable(host)) {
            return self.forwarded;
        }
        StringBuilder sb = new StringBuilder(self.forwarded.length() + host.length() + 8).append(self.forwarded);
        pair(sb, "host", quoteIfNeeded(host));
        return sb.toString();
    }

    private static void pair(StringBuilder sb, String key, String value) {
        if (value != null) {
            if (sb.length() > 0) {
                sb.append(';');
            }
            sb.append(key).append('=').append(value);
        }
    }

    /**
     * A node as RFC 7239 §6 writes it: an IPv4 address alone is a token; with a port, or any IPv6 address (in
     * brackets), it is a quoted-string; obfuscated identifiers and "unknown" are tokens.
     */
    static String node(Node form, InetSocketAddress address) {
        if (form instanceof Node.Omitted) {
            return null;
        }
        if (form instanceof Node.Obfuscated ob) {
            return ob.identifier();
        }
        InetAddress a = address == null ? null : address.getAddress();
        if (form instanceof Node.Unknown || a == null) {
            return "unknown";
        }
        String text = a instanceof Inet4Address ? ipText(a) : "[" + ipText(a) + "]";
        if (((Node.Ip) form).withPort()) {
            text = text + ":" + address.getPort();
        }
        return quoteIfNeeded(text);
    }

    /** An address as text: IPv4 dotted, IPv6 in the RFC 5952 form (lowercase, longest zero run as "::"), no zone. */
    static String ipText(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        // RFC 5952 §4.2: the longest run of two or more zero groups, the first on a tie, becomes "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLength - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(groups[i]));
        }
        return sb.toString();
    }

    /** A token as is, anything else as an RFC 9110 §5.6.4 quoted-string. */
    static String quoteIfNeeded(String value) {
        boolean token = !value.isEmpty();
        for (int i = 0; token && i < value.length(); i++) {
            token = isTokenChar(value.charAt(i));
        }
        if (token) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    /** Whether every character may appear in a quoted-string, escaped or not (no control characters). */
    private static boolean isQuotable(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** RFC 9110 §5.6.2 tchar. */
    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    /** Joins list values with ", " (RFC 9110 §5.3: a list split over fields means the same as one field). */
    private static StringBuilder append(StringBuilder sb, String value) {
        value = value.trim();
        if (value.isEmpty()) {
            return sb;
        }
        if (sb == null) {
            return new StringBuilder(value);
        }
        return sb.append(", ").append(value);
    }
}
