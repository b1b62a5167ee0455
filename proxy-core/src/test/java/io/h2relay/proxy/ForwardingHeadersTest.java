package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ForwardingConfig.Node;
import io.h2relay.config.ForwardingConfig;
import io.h2relay.hpack.Header;
import io.h2relay.proxy.ForwardingHeaders.ClientConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardingHeadersTest {

    private static final ForwardingConfig DEFAULTS = ConfigLoader.defaults().forwarding();

    private static ForwardingConfig trusting(Node forwardedFor, Node forwardedBy) {
        return new ForwardingConfig(true, true, true, true, forwardedFor, forwardedBy, true, "h2relay", false);
    }

    private static InetSocketAddress at(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static final ClientConnection H2_CLIENT =
            new ClientConnection(at("192.0.2.60", 47011), at("198.51.100.17", 8080), "http", "2");
    private static final ClientConnection V6_CLIENT =
            new ClientConnection(at("2001:db8:cafe:0:0:0:0:17", 4711), at("::1", 8080), "https", "1.1");

    private static List<Header> get(String path, Header... more) {
        List<Header> fields = new ArrayList<>(List.of(Header.of(":method", "GET"),
                Header.of(":scheme", "http"), Header.of(":authority", "www.example.com"), Header.of(":path", path)));
        fields.addAll(List.of(more));
        return fields;
    }

    @Test
    void defaultsWriteAllFourFieldsForAnHttp2Client() {
        List<Header> out = new ForwardingHeaders(DEFAULTS).request(get("/", Header.of("accept", "*/*")), H2_CLIENT);
        assertEquals(get("/", Header.of("accept", "*/*"),
                Header.of("x-forwarded-for", "192.0.2.60"),
                Header.of("x-forwarded-proto", "http"),
                Header.of("forwarded", "for=192.0.2.60;proto=http;host=www.example.com"),
                Header.of("via", "2 h2relay")), out);
    }

    @Test
    void trustedIncomingForwardingFieldsAreAppendedTo() {
        ForwardingHeaders f = new ForwardingHeaders(trusting(new Node.Ip(false), new Node.Omitted()));
        List<Header> out = f.request(get("/",
                Header.of("x-forwarded-for", "203.0.113.1"), Header.of("X-Forwarded-For", "203.0.113.2, 10.0.0.1"),
                Header.of("x-forwarded-proto", "https"),
                Header.of("forwarded", "for=203.0.113.1;proto=https"),
                Header.of("via", "1.1 edge"), Header.of("Via", "2 lb")), H2_CLIENT);
        assertEquals(get("/",
                Header.of("x-forwarded-for", "203.0.113.1, 203.0.113.2, 10.0.0.1, 192.0.2.60"),
                Header.of("x-forwarded-proto", "https"),
                Header.of("forwarded", "for=203.0.113.1;proto=https, for=192.0.2.60;proto=http;host=www.example.com"),
                Header.of("via", "1.1 edge, 2 lb, 2 h2relay")), out);
    }

    @Test
    void untrustedIncomingForwardingFieldsAreReplacedButViaIsStillAppended() {
        List<Header> out = new ForwardingHeaders(DEFAULTS).request(get("/",
                Header.of("x-forwarded-for", "6.6.6.6"), Header.of("x-forwarded-proto", "https"),
                Header.of("forwarded", "for=6.6.6.6"), Header.of("via", "1.1 spoof")), H2_CLIENT);
        assertEquals(get("/",
                Header.of("x-forwarded-for", "192.0.2.60"),
                Header.of("x-forwarded-proto", "http"),
                Header.of("forwarded", "for=192.0.2.60;proto=http;host=www.example.com"),
                Header.of("via", "1.1 spoof, 2 h2relay")), out);
    }

    @Test
    void ipv6NodesAreBracketedAndQuotedInForwardedButBareInXForwardedFor() {
        ForwardingHeaders f = new ForwardingHeaders(trusting(new Node.Ip(false), new Node.Ip(true)));
        List<Header> out = f.request(List.of(Header.of("host", "[2001:db8::1]:8443")), V6_CLIENT);
        assertEquals(List.of(Header.of("host", "[2001:db8::1]:8443"),
                Header.of("x-forwarded-for", "2001:db8:cafe::17"),
                Header.of("x-forwarded-proto", "https"),
                Header.of("forwarded", "for=\"[2001:db8:cafe::17]\";by=\"[::1]:8080\";proto=https;"
                        + "host=\"[2001:db8::1]:8443\""),
                Header.of("via", "1.1 h2relay")), out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "none         | proto=http;host=www.example.com",
        "ip           | for=192.0.2.60;proto=http;host=www.example.com",
        "ip-and-port  | for=\"192.0.2.60:47011\";proto=http;host=www.example.com",
        "unknown      | for=unknown;proto=http;host=www.example.com",
        "_hidden      | for=_hidden;proto=http;host=www.example.com",
        "_SEVKISEK    | for=_SEVKISEK;proto=http;host=www.example.com",
    })
    void forwardedForTakesEachNodeForm(String form, String element) {
        ForwardingHeaders f = new ForwardingHeaders(trusting(parse(form), new Node.Omitted()));
        List<Header> out = f.request(get("/"), H2_CLIENT);
        assertEquals(Header.of("forwarded", element),
                out.stream().filter(h -> h.name().equals("forwarded")).findFirst().orElseThrow());
    }

    @Test
    void anUnknownClientAddressIsUnknownInForwardedAndAbsentFromXForwardedFor() {
        ClientConnection unknown = new ClientConnection(null, null, "http", "1.1");
        ForwardingHeaders f = new ForwardingHeaders(trusting(new Node.Ip(false), new Node.Ip(false)));
        List<Header> out = f.request(List.of(Header.of("host", "a")), unknown);
        assertEquals(List.of(Header.of("host", "a"), Header.of("x-forwarded-proto", "http"),
                Header.of("forwarded", "for=unknown;by=unknown;proto=http;host=a"), Header.of("via", "1.1 h2relay")),
                out);
    }

    @Test
    void hopByHopFieldsAndTheFieldsConnectionNamesNeverCross() {
        ForwardingHeaders f = new ForwardingHeaders(new ForwardingConfig(false, false, false, false, new Node.Omitted(),
                new Node.Omitted(), false, "h2relay", false));
        List<Header> out = f.request(List.of(
                Header.of("host", "a"),
                Header.of("Connection", "keep-alive, X-Secret-Hop,  Upgrade"), Header.of("connection", "x-other"),
                Header.of("keep-alive", "timeout=5"), Header.of("proxy-connection", "keep-alive"),
                Header.of("transfer-encoding", "chunked"), Header.of("upgrade", "websocket"),
                Header.of("http2-settings", "AAMAAABkAAQAAP__"),
                Header.of("x-secret-hop", "1"), Header.of("X-Other", "2"),
                Header.of("proxy-authorization", "Basic Zm9vOmJhcg=="),
                Header.of("x-end-to-end", "kept")), H2_CLIENT);
        assertEquals(List.of(Header.of("host", "a"), Header.of("x-end-to-end", "kept")), out);
    }

    @Test
    void teIsReducedToTrailersEvenWhenConnectionNamesIt() {
        ForwardingHeaders f = new ForwardingHeaders(DEFAULTS);
        List<Header> grpc = f.request(List.of(Header.of("connection", "TE"), Header.of("te", "gzip;q=0.5, Trailers")),
                H2_CLIENT);
        assertEquals(Header.of("te", "trailers"), grpc.get(0));
        List<Header> none = f.request(List.of(Header.of("te", "gzip, deflate")), H2_CLIENT);
        assertEquals(0, none.stream().filter(h -> h.name().equals("te")).count());
    }

    @Test
    void proxyAuthorizationIsRelayedOnlyWhenConfigured() {
        ForwardingConfig relay = new ForwardingConfig(false, false, false, false, new Node.Omitted(),
                new Node.Omitted(), false, "h2relay", true);
        List<Header> in = List.of(Header.of("proxy-authorization", "Basic Zm9vOmJhcg=="));
        assertEquals(in, new ForwardingHeaders(relay).request(in, H2_CLIENT));
    }

    @Test
    void disabledFieldsPassThroughUntouched() {
        ForwardingConfig off = new ForwardingConfig(false, false, false, false, new Node.Ip(false), new Node.Omitted(),
                false, "h2relay", false);
        List<Header> in = List.of(Header.of("x-forwarded-for", "1.2.3.4"), Header.of("x-forwarded-proto", "https"),
                Header.of("forwarded", "for=1.2.3.4"), Header.of("via", "1.1 x"));
        assertEquals(in, new ForwardingHeaders(off).request(in, H2_CLIENT));
    }

    @Test
    void responsesLoseHopByHopFieldsKeepProxyAuthenticateAndGainVia() {
        ForwardingHeaders f = new ForwardingHeaders(DEFAULTS);
        List<Header> out = f.response(List.of(Header.of(":status", "407"), Header.of("connection", "close, x-hop"),
                Header.of("x-hop", "1"), Header.of("keep-alive", "timeout=5"), Header.of("transfer-encoding", "chunked"),
                Header.of("proxy-authenticate", "Basic realm=\"backend\""), Header.of("via", "1.1 backend-lb"),
                Header.of("content-type", "text/plain")), "1.1");
        assertEquals(List.of(Header.of(":status", "407"), Header.of("proxy-authenticate", "Basic realm=\"backend\""),
                Header.of("content-type", "text/plain"), Header.of("via", "1.1 backend-lb, 1.1 h2relay")), out);
    }

    @Test
    void trailersLoseOnlyConnectionSpecificFields() {
        List<Header> trailers = List.of(Header.of("grpc-status", "0"), Header.of("connection", "x-hop"),
                Header.of("x-hop", "1"), Header.of("te", "trailers"), Header.of("grpc-message", ""));
        assertEquals(List.of(Header.of("grpc-status", "0"), Header.of("grpc-message", "")),
                ForwardingHeaders.withoutConnectionSpecific(trailers));
    }

    @ParameterizedTest
    @CsvSource({
        "2001:db8:0:0:0:0:2:1,       2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1,       2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1,         2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1,       2001:db8::1:0:0:1",
        "0:0:0:0:0:0:0:1,            ::1",
        "0:0:0:0:0:0:0:0,            ::",
        "fe80:0:0:0:0:0:0:0,         fe80::",
        "2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:1, 2001:db8:aaaa:bbbb:cccc:dddd:eeee:1",
    })
    void ipv6AddressesAreWrittenInTheRfc5952Form(String address, String expected) throws UnknownHostException {
        assertEquals(expected, ForwardingHeaders.ipText(InetAddress.getByName(address)));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "example.com        | example.com",
        "example.com:8080   | \"example.com:8080\"",
        "a\"b\\c            | \"a\\\"b\\\\c\"",
    })
    void nonTokensAreQuotedWithEscapes(String value, String expected) {
        assertEquals(expected, ForwardingHeaders.quoteIfNeeded(value));
    }

    private static Node parse(String form) {
        return ConfigLoader.parse("h2relay.forwarding.forwarded-for = \"" + form + "\"", "t").forwarding().forwardedFor();
    }
}
