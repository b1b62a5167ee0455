package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Random blocks, biased towards the names and values the rules care about and towards starting from a valid request
 * or response so that accepted blocks are common too.
 */
class HeaderRulesPropertiesTest {

    private static final String CHARS = "aAzZ09-_:;,=/@*% \t\r\n\0\u0001\u007f\u00e9\u0100\"";

    private static final List<String> NAMES = List.of(":method", ":scheme", ":authority", ":path", ":status",
            ":protocol", ":custom", ":Path", "host", "Host", "cookie", "content-length", "te", "TE", "connection",
            "Connection", "keep-alive", "upgrade", "transfer-encoding", "proxy-connection", "priority", "x-hop",
            "user-agent", " x-pad ", "");

    private static final List<String> VALUES = List.of("GET", "HEAD", "POST", "CONNECT", "OPTIONS", "https", "http",
            "/", "*", "/a?b", "example.com", "example.com:443", "[::1]:80", "200", "204", "100", "101", "304", "15",
            "15, 15", "15, 16", "0", "trailers", "Trailers, gzip", "close, x-hop", "a=1; b=2", "a=1", " v ", "",
            "websocket", "u=1, i");

    private static final List<Header> BASE_REQUEST = HeaderRulesCases.block(":method", "GET", ":scheme", "https",
            ":authority", "example.com", ":path", "/");

    private static final List<Header> BASE_RESPONSE = HeaderRulesCases.block(":status", "200");

    @Provide
    Arbitrary<List<Header>> blocks() {
        Arbitrary<String> randomText = Arbitraries.strings().withChars(CHARS.toCharArray()).ofMaxLength(8);
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(NAMES)), Tuple.of(1, randomText));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of(VALUES)), Tuple.of(1, randomText));
        Arbitrary<Header> header = Combinators.combine(name, value, Arbitraries.of(true, false)).as(Header::new);
        Arbitrary<List<Header>> base = Arbitraries.of(List.of(), BASE_REQUEST, BASE_RESPONSE);
        return Combinators.combine(base, header.list().ofMaxSize(10)).as((b, tail) -> {
            List<Header> out = new ArrayList<>(b);
            out.addAll(tail);
            return out;
        });
    }

    @Provide
    Arbitrary<HeaderRulesOptions> options() {
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        return Combinators.combine(flag, flag, flag, flag, flag).as(HeaderRulesOptions::new);
    }

    private static boolean clientReceives(HeaderBlockKind kind, boolean trailersClient) {
        return kind == HeaderBlockKind.TRAILERS ? trailersClient : kind != HeaderBlockKind.REQUEST;
    }

    @Property(tries = 3000)
    void inboundThrowsOnlyMalformedMessage(@ForAll("blocks") List<Header> block, @ForAll HeaderBlockKind kind,
            @ForAll boolean trailersClient, @ForAll boolean extended, @ForAll("options") HeaderRulesOptions options) {
        HeaderRules rules = new HeaderRules(options);
        try {
            HeaderFacts facts = rules.inbound(kind, block, clientReceives(kind, trailersClient), extended);
            if (options.validateInbound() && kind == HeaderBlockKind.RESPONSE) {
                assertTrue(facts.status() >= 100 && facts.status() <= 599 && facts.status() != 101);
            }
            if (!options.normalizeInbound()) {
                assertSame(block, facts.headers());
            }
        } catch (MalformedMessageException e) {
            assertTrue(options.validateInbound(), "nothing is rejected with validation off");
            assertTrue(e.reason().chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == 0xa7), e.reason());
        }
    }

    @Property(tries = 3000)
    void outboundThrowsOnlyInvalidHeaders(@ForAll("blocks") List<Header> block, @ForAll HeaderBlockKind kind,
            @ForAll boolean trailersClient, @ForAll boolean extended, @ForAll("options") HeaderRulesOptions options)
            throws MalformedMessageException {
        HeaderRules rules = new HeaderRules(options);
        List<Header> before = List.copyOf(block);
        boolean clientSide = !clientReceives(kind, trailersClient);
        try {
            HeaderFacts facts = rules.outbound(kind, block, clientSide, extended);
            if (options.validateOutbound()) {
                // Anything we agree to send, a strict peer like us accepts.
                HeaderRules peer = new HeaderRules(HeaderRulesOptions.DEFAULT);
                peer.inbound(kind, facts.headers(), !clientSide, extended);
            }
        } catch (InvalidHeadersError e) {
            assertTrue(options.validateOutbound(), "nothing is refused with validation off");
        }
        assertEquals(before, block, "the caller's list is never modified");
    }

    @Property(tries = 3000)
    void outboundBehavesExactlyLikeNormalizeThenValidate(@ForAll("blocks") List<Header> block,
            @ForAll HeaderBlockKind kind, @ForAll boolean trailersClient, @ForAll boolean extended,
            @ForAll boolean split) {
        // HeaderRules skips normalization for blocks that are already valid; this is the definition it must match.
        boolean clientSide = !clientReceives(kind, trailersClient);
        List<Header> normalized = HeaderNormalizer.outbound(block, split);
        HeaderScan reference = HeaderScan.run(kind, normalized, true, true, extended);
        HeaderRules rules = new HeaderRules(new HeaderRulesOptions(true, true, true, true, split));
        try {
            HeaderFacts facts = rules.outbound(kind, block, clientSide, extended);
            assertEquals(null, reference.error);
            assertEquals(normalized, facts.headers());
            assertEquals(reference.facts(normalized), facts);
        } catch (InvalidHeadersError e) {
            assertEquals(reference.error, e.getMessage());
        }
    }

    @Property(tries = 3000)
    void normalizingOutboundTwiceEqualsOnce(@ForAll("blocks") List<Header> block, @ForAll boolean split) {
        List<Header> once = HeaderNormalizer.outbound(block, split);
        List<Header> twice = HeaderNormalizer.outbound(once, split);
        assertEquals(once, twice);
        assertSame(once, twice, "a normalized block needs no further copy");
    }

    @Property(tries = 3000)
    void normalizingInboundTwiceEqualsOnce(@ForAll("blocks") List<Header> block, @ForAll HeaderBlockKind kind,
            @ForAll boolean trailersClient) throws MalformedMessageException {
        HeaderRules rules = new HeaderRules(new HeaderRulesOptions(false, true, false, false, false));
        boolean clientSide = clientReceives(kind, trailersClient);
        List<Header> once = rules.inbound(kind, block, clientSide, true).headers();
        List<Header> twice = rules.inbound(kind, once, clientSide, true).headers();
        assertEquals(once, twice);
        assertSame(once, twice, "a normalized block needs no further copy");
    }

    @Property(tries = 1000)
    void normalizationKeepsTheNeverIndexedFlag(@ForAll("blocks") List<Header> block, @ForAll boolean split,
            @ForAll boolean sensitive) throws MalformedMessageException {
        List<Header> in = block.stream().map(h -> new Header(h.name(), h.value(), sensitive)).toList();
        for (Header h : HeaderNormalizer.outbound(in, split)) {
            assertEquals(sensitive, h.neverIndexed(), h.toString());
        }
        HeaderRules rules = new HeaderRules(new HeaderRulesOptions(false, true, false, false, false));
        for (Header h : rules.inbound(HeaderBlockKind.REQUEST, in, false, false).headers()) {
            assertEquals(sensitive || h.name().equals("cookie"), h.neverIndexed(), h.toString());
        }
    }
}
