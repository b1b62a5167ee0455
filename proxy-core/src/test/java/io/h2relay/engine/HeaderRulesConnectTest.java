package io.h2relay.engine;

import static io.h2relay.engine.HeaderBlockKind.PUSH_PROMISE;
import static io.h2relay.engine.HeaderBlockKind.REQUEST;
import static io.h2relay.engine.HeaderRulesCases.GET;
import static io.h2relay.engine.HeaderRulesCases.block;
import static io.h2relay.engine.HeaderRulesCases.plus;
import static io.h2relay.engine.HeaderRulesCases.prefixed;
import static io.h2relay.engine.HeaderRulesCases.without;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.hpack.Header;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9113 §8.5 CONNECT and RFC 8441 extended CONNECT, in both directions (ENGINE_PARITY rows 19 and 20). */
class HeaderRulesConnectTest {

    private static final HeaderRules RULES = new HeaderRules(HeaderRulesOptions.DEFAULT);

    private static final List<Header> CONNECT = block(":method", "CONNECT", ":authority", "example.com:443");
    private static final List<Header> WEBSOCKET = block(":method", "CONNECT", ":protocol", "websocket",
            ":scheme", "https", ":path", "/chat", ":authority", "example.com", "sec-websocket-version", "13");

    /** Asserts the block is malformed inbound and refused outbound, both with the reason fragment. */
    private static void rejectedBothWays(List<Header> block, boolean extended, String reason) {
        MalformedMessageException in = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, block, false, extended));
        assertTrue(in.reason().contains(reason), in.reason());
        InvalidHeadersError out = assertThrows(InvalidHeadersError.class,
                () -> RULES.outbound(REQUEST, block, true, extended));
        assertTrue(out.getMessage().contains(reason), out.getMessage());
    }

    @Test
    void acceptsPlainConnectWithOnlyMethodAndAuthority() throws MalformedMessageException {
        HeaderFacts facts = RULES.inbound(REQUEST, CONNECT, false, false);
        assertTrue(facts.isConnect());
        assertNull(facts.protocol());
        assertEquals(-1, HeaderRules.expectedBodyLength(facts.method(), -1, facts.contentLength()),
                "DATA of a CONNECT stream is tunnel bytes, not content");
        assertEquals(CONNECT, RULES.outbound(REQUEST, CONNECT, true, false).headers());
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com:443", "[::1]:8443", "192.0.2.1:1", "a:65535"})
    void acceptsHostPortAuthorities(String authority) throws MalformedMessageException {
        RULES.inbound(REQUEST, block(":method", "CONNECT", ":authority", authority), false, false);
    }

    @ParameterizedTest
    @ValueSource(strings = {"example.com", "example.com:", ":443", "example.com:123456", "example.com:44a",
            "[::1]", "::1:443", "user@example.com:443", "exa mple.com:443"})
    void rejectsConnectAuthoritiesThatAreNotHostPort(String authority) {
        rejectedBothWays(block(":method", "CONNECT", ":authority", authority), false, "not host:port");
    }

    @Test
    void rejectsPlainConnectWithPathOrScheme() {
        rejectedBothWays(plus(CONNECT, ":path", "/"), false, ":path in a CONNECT request");
        rejectedBothWays(plus(CONNECT, ":scheme", "https"), false, ":scheme in a CONNECT request");
    }

    @Test
    void rejectsConnectWithoutAuthority() {
        rejectedBothWays(block(":method", "CONNECT"), false, "CONNECT without :authority");
        rejectedBothWays(block(":method", "CONNECT", "host", "example.com:443"), false, "CONNECT without :authority");
    }

    @Test
    void rejectsConnectWhoseHostDiffers() {
        rejectedBothWays(plus(CONNECT, "host", "other.example:443"), false, "differs from :authority");
    }

    @Test
    void acceptsExtendedConnectOnceEnabled() throws MalformedMessageException {
        HeaderFacts in = RULES.inbound(REQUEST, WEBSOCKET, false, true);
        assertEquals("websocket", in.protocol());
        assertTrue(in.isConnect());
        assertEquals("websocket", RULES.outbound(REQUEST, WEBSOCKET, true, true).protocol());
    }

    @Test
    void refusesExtendedConnectBeforeTheSetting() {
        MalformedMessageException in = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, WEBSOCKET, false, false));
        assertTrue(in.reason().contains("we did not send SETTINGS_ENABLE_CONNECT_PROTOCOL=1"), in.reason());
        // Row 20: sending :protocol before the peer's ENABLE_CONNECT_PROTOCOL=1 is a local error.
        InvalidHeadersError out = assertThrows(InvalidHeadersError.class,
                () -> RULES.outbound(REQUEST, WEBSOCKET, true, false));
        assertTrue(out.getMessage().contains("before the peer sent SETTINGS_ENABLE_CONNECT_PROTOCOL=1"),
                out.getMessage());
    }

    @Test
    void rejectsExtendedConnectWithoutSchemeOrPath() {
        rejectedBothWays(without(WEBSOCKET, ":scheme"), true, "missing :scheme");
        rejectedBothWays(without(WEBSOCKET, ":path"), true, "missing :path");
    }

    @Test
    void extendedConnectFollowsTheOrdinaryAuthorityRules() throws MalformedMessageException {
        rejectedBothWays(without(WEBSOCKET, ":authority"), true, "without :authority or host");
        RULES.inbound(REQUEST, plus(without(WEBSOCKET, ":authority"), "host", "example.com"), false, true);
    }

    @Test
    void rejectsProtocolOnOtherMethods() {
        rejectedBothWays(prefixed(GET, ":protocol", "websocket"), true, ":protocol in a 'GET' request");
        rejectedBothWays(prefixed(GET, ":protocol", "websocket"), false, ":protocol in a 'GET' request");
    }

    @Test
    void rejectsProtocolThatIsNotAToken() {
        rejectedBothWays(HeaderRulesCases.replaced(WEBSOCKET, ":protocol", ":protocol", ""), true, "is not a token");
        rejectedBothWays(HeaderRulesCases.replaced(WEBSOCKET, ":protocol", ":protocol", "web socket"), true,
                "is not a token");
    }

    @Test
    void neverPromisesConnect() {
        assertThrows(MalformedMessageException.class, () -> RULES.inbound(PUSH_PROMISE, CONNECT, true, false));
        assertThrows(InvalidHeadersError.class, () -> RULES.outbound(PUSH_PROMISE, WEBSOCKET, false, true));
    }

    @Test
    void connectIsCaseSensitive() {
        // "connect" is some other method (RFC 9110 §9.1: methods are case-sensitive), so it needs :scheme and :path.
        rejectedBothWays(block(":method", "connect", ":authority", "example.com:443"), false, "missing :scheme");
    }
}
