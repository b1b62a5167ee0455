package io.h2relay.engine;

import static io.h2relay.engine.HeaderBlockKind.PUSH_PROMISE;
import static io.h2relay.engine.HeaderBlockKind.REQUEST;
import static io.h2relay.engine.HeaderBlockKind.RESPONSE;
import static io.h2relay.engine.HeaderBlockKind.TRAILERS;
import static io.h2relay.engine.HeaderRulesCases.GET;
import static io.h2relay.engine.HeaderRulesCases.OK;
import static io.h2relay.engine.HeaderRulesCases.block;
import static io.h2relay.engine.HeaderRulesCases.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.HeaderRulesCases.Case;
import io.h2relay.frame.ErrorCode;
import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Outbound blocks: normalization first, then the same checks as inbound (stricter than h2, which lets CR/LF/NUL and
 * bad names out). A failure is an InvalidHeadersError and leaves the caller's list untouched.
 */
class HeaderRulesOutboundTest {

    private static final HeaderRules RULES = new HeaderRules(HeaderRulesOptions.DEFAULT);
    private static final HeaderRules STRICT_RAW = new HeaderRules(new HeaderRulesOptions(true, true, true, false, false));
    private static final HeaderRules NORMALIZE_ONLY = new HeaderRules(new HeaderRulesOptions(true, true, false, true, false));
    private static final HeaderRules PASS_THROUGH = new HeaderRules(new HeaderRulesOptions(true, true, false, false, false));

    /** (kind, clientSide, case) for every invalid block, sent from the side that sends that kind. */
    static Stream<Arguments> everyInvalidBlock() {
        Stream<Arguments> requests = HeaderRulesCases.invalidRequests().stream()
                .map(c -> Arguments.of(REQUEST, true, c));
        Stream<Arguments> promises = Stream.concat(HeaderRulesCases.invalidRequests().stream(),
                HeaderRulesCases.invalidPushPromisesOnly().stream()).map(c -> Arguments.of(PUSH_PROMISE, false, c));
        Stream<Arguments> responses = HeaderRulesCases.invalidResponses().stream()
                .map(c -> Arguments.of(RESPONSE, false, c));
        Stream<Arguments> trailers = HeaderRulesCases.invalidTrailers().stream()
                .flatMap(c -> Stream.of(Arguments.of(TRAILERS, true, c), Arguments.of(TRAILERS, false, c)));
        return Stream.of(requests, promises, responses, trailers).flatMap(s -> s);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("everyInvalidBlock")
    void refusesEveryInvalidBlockWhenNotNormalizing(HeaderBlockKind kind, boolean clientSide, Case c) {
        List<Header> before = List.copyOf(c.headers());
        InvalidHeadersError e = assertThrows(InvalidHeadersError.class,
                () -> STRICT_RAW.outbound(kind, c.headers(), clientSide, false));
        assertTrue(e.getMessage().contains(c.reason()), () -> e.getMessage() + " lacks " + c.reason());
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), e.errorCode());
        assertEquals(before, c.headers(), "the caller's list is untouched");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("everyInvalidBlock")
    void normalizationRepairsOnlyWhatItCanAndThePeerAcceptsTheResult(HeaderBlockKind kind, boolean clientSide, Case c)
            throws MalformedMessageException {
        List<Header> before = List.copyOf(c.headers());
        if (c.normalizable()) {
            HeaderFacts facts = RULES.outbound(kind, c.headers(), clientSide, false);
            assertNotSame(c.headers(), facts.headers());
            // What we send, a strict peer accepts as is.
            HeaderFacts received = RULES.inbound(kind, facts.headers(), !clientSide, false);
            assertEquals(facts.headers(), received.headers());
        } else {
            assertThrows(InvalidHeadersError.class, () -> RULES.outbound(kind, c.headers(), clientSide, false));
        }
        assertEquals(before, c.headers(), "the caller's list is untouched");
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("everyInvalidBlock")
    void sendsAnythingNormalizedWhenValidationIsOff(HeaderBlockKind kind, boolean clientSide, Case c) {
        HeaderFacts facts = NORMALIZE_ONLY.outbound(kind, c.headers(), clientSide, false);
        assertEquals(HeaderNormalizer.outbound(c.headers(), false), facts.headers());
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("everyInvalidBlock")
    void sendsAnythingUnmodifiedWhenValidationAndNormalizationAreOff(HeaderBlockKind kind, boolean clientSide, Case c) {
        assertSame(c.headers(), PASS_THROUGH.outbound(kind, c.headers(), clientSide, false).headers());
    }

    @Test
    void readyBlocksGoOutAsTheSameInstance() {
        for (List<Header> request : HeaderRulesCases.validRequests()) {
            assertSame(request, RULES.outbound(REQUEST, request, true, false).headers(), request.toString());
        }
        for (List<Header> response : HeaderRulesCases.validResponses()) {
            assertSame(response, RULES.outbound(RESPONSE, response, false, false).headers(), response.toString());
        }
    }

    @Test
    void dropsConnectionAndTrimsValues() {
        List<Header> sent = RULES.outbound(RESPONSE,
                block(":status", "200", "Connection", "close", "X-Up", " v "), false, false).headers();
        assertEquals(block(":status", "200", "x-up", "v"), sent);
    }

    @Test
    void dropsTheFieldsTheConnectionFieldNames() {
        List<Header> sent = RULES.outbound(REQUEST, plus(GET, "x-hop", "1", "connection", "Keep-Alive, X-Hop",
                "keep-alive", "timeout=5", "x-end", "2"), true, false).headers();
        assertEquals(plus(GET, "x-end", "2"), sent);
    }

    @Test
    void reducesTeToTrailersOrDropsIt() {
        assertEquals(plus(GET, "te", "trailers"),
                RULES.outbound(REQUEST, plus(GET, "TE", "deflate, Trailers"), true, false).headers());
        assertEquals(GET, RULES.outbound(REQUEST, plus(GET, "te", "gzip;q=0.5"), true, false).headers());
        List<Header> kept = plus(GET, "te", "Trailers");
        assertSame(kept, RULES.outbound(REQUEST, kept, true, false).headers());
    }

    @Test
    void keepsTheNeverIndexedFlagThroughNormalization() {
        List<Header> in = new ArrayList<>(GET);
        in.add(new Header("Authorization", " Bearer x ", true));
        in.add(new Header("X-Plain", " y", false));
        List<Header> sent = RULES.outbound(REQUEST, in, true, false).headers();
        assertEquals(new Header("authorization", "Bearer x", true), sent.get(sent.size() - 2));
        assertEquals(new Header("x-plain", "y", false), sent.get(sent.size() - 1));
    }

    @Test
    void lowercasesPseudoHeaderNames() {
        List<Header> in = block(":Status", "404");
        assertEquals(block(":status", "404"), RULES.outbound(RESPONSE, in, false, false).headers());
    }

    @Test
    void refusesHeaderInjectionEvenAfterNormalization() {
        List<Header> in = plus(GET, "x-a", "1\r\nx-b: 2");
        InvalidHeadersError e = assertThrows(InvalidHeadersError.class, () -> RULES.outbound(REQUEST, in, true, false));
        assertEquals("value of field 'x-a' contains CR (RFC 9113 §8.2.1)", e.getMessage());
    }

    @Test
    void refusesBlocksThisSideCannotSend() {
        assertThrows(InvalidHeadersError.class, () -> RULES.outbound(REQUEST, GET, false, false));
        assertThrows(InvalidHeadersError.class, () -> RULES.outbound(RESPONSE, OK, true, false));
        assertThrows(InvalidHeadersError.class, () -> RULES.outbound(PUSH_PROMISE, GET, true, false));
    }

    @Test
    void refusesInformational101() {
        assertThrows(InvalidHeadersError.class, () -> RULES.outbound(RESPONSE, block(":status", "101"), false, false));
    }

    @Test
    void reportsFactsOfTheNormalizedBlock() {
        HeaderFacts facts = RULES.outbound(RESPONSE, block(":status", "103", "Link", "</a>"), false, false);
        assertEquals(103, facts.status());
        assertTrue(facts.informational());
        assertEquals(block(":status", "103", "link", "</a>"), facts.headers());
    }
}
