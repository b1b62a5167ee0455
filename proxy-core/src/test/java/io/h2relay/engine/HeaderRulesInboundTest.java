package io.h2relay.engine;

import static io.h2relay.engine.HeaderBlockKind.PUSH_PROMISE;
import static io.h2relay.engine.HeaderBlockKind.REQUEST;
import static io.h2relay.engine.HeaderBlockKind.RESPONSE;
import static io.h2relay.engine.HeaderBlockKind.TRAILERS;
import static io.h2relay.engine.HeaderRulesCases.GET;
import static io.h2relay.engine.HeaderRulesCases.block;
import static io.h2relay.engine.HeaderRulesCases.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.HeaderRulesCases.Case;
import io.h2relay.hpack.Header;
import java.util.LinkedList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Inbound blocks: every malformed variant is a MalformedMessageException with a precise reason (RFC 9113 §8.1.1). */
class HeaderRulesInboundTest {

    private static final HeaderRules RULES = new HeaderRules(HeaderRulesOptions.DEFAULT);
    private static final HeaderRules UNCHECKED = new HeaderRules(new HeaderRulesOptions(false, false, true, true, false));

    static List<Case> invalidRequests() {
        return HeaderRulesCases.invalidRequests();
    }

    static Stream<Case> invalidPushPromises() {
        return Stream.concat(HeaderRulesCases.invalidRequests().stream(),
                HeaderRulesCases.invalidPushPromisesOnly().stream());
    }

    static List<Case> invalidResponses() {
        return HeaderRulesCases.invalidResponses();
    }

    static List<Case> invalidTrailers() {
        return HeaderRulesCases.invalidTrailers();
    }

    static Stream<Case> everyInvalidBlock() {
        return Stream.of(invalidPushPromises(), invalidResponses().stream(), invalidTrailers().stream())
                .flatMap(s -> s);
    }

    static List<List<Header>> validRequests() {
        return HeaderRulesCases.validRequests();
    }

    static List<List<Header>> validResponses() {
        return HeaderRulesCases.validResponses();
    }

    private static void assertMalformed(HeaderBlockKind kind, Case c, boolean clientSide) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(kind, c.headers(), clientSide, false), c.label());
        assertTrue(e.reason().contains(c.reason()), () -> "reason '" + e.reason() + "' lacks '" + c.reason() + "'");
        assertEquals(0, e.getStackTrace().length, "a peer-provoked exception captures no stack trace");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void serverRejectsMalformedRequests(Case c) {
        assertMalformed(REQUEST, c, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidPushPromises")
    void clientRejectsMalformedPushPromises(Case c) {
        assertMalformed(PUSH_PROMISE, c, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidResponses")
    void clientRejectsMalformedResponses(Case c) {
        assertMalformed(RESPONSE, c, true);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTrailers")
    void rejectsMalformedTrailersOnBothSides(Case c) {
        assertMalformed(TRAILERS, c, true);
        assertMalformed(TRAILERS, c, false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("everyInvalidBlock")
    void acceptsEveryBlockUnchangedWhenValidationIsOff(Case c) throws MalformedMessageException {
        for (HeaderBlockKind kind : HeaderBlockKind.values()) {
            boolean clientSide = kind != REQUEST;
            HeaderFacts facts = UNCHECKED.inbound(kind, c.headers(), clientSide, false);
            assertSame(c.headers(), facts.headers(), kind + ": nothing to normalize either");
        }
    }

    @ParameterizedTest
    @MethodSource("validRequests")
    void acceptsValidRequestsWithoutCopying(List<Header> headers) throws MalformedMessageException {
        HeaderFacts facts = RULES.inbound(REQUEST, headers, false, false);
        assertSame(headers, facts.headers());
        assertEquals(headers.stream().filter(h -> h.name().equals(":method")).findFirst().orElseThrow().value(),
                facts.method());
        assertEquals(-1, facts.status());
        assertFalse(facts.informational());
    }

    @ParameterizedTest
    @MethodSource("validResponses")
    void acceptsValidResponsesWithoutCopying(List<Header> headers) throws MalformedMessageException {
        HeaderFacts facts = RULES.inbound(RESPONSE, headers, true, false);
        assertSame(headers, facts.headers());
        assertEquals(Integer.parseInt(headers.get(0).value()), facts.status());
        assertNull(facts.method());
        assertEquals(facts.status() < 200, facts.informational());
    }

    @Test
    void acceptsPushPromisesForGetAndHead() throws MalformedMessageException {
        assertEquals("GET", RULES.inbound(PUSH_PROMISE, GET, true, false).method());
        List<Header> head = HeaderRulesCases.replaced(GET, ":method", ":method", "HEAD");
        assertEquals("HEAD", RULES.inbound(PUSH_PROMISE, head, true, false).method());
    }

    @Test
    void acceptsTrailersWithoutPseudoHeaders() throws MalformedMessageException {
        HeaderFacts facts = RULES.inbound(TRAILERS, HeaderRulesCases.GRPC_TRAILERS, false, false);
        assertSame(HeaderRulesCases.GRPC_TRAILERS, facts.headers());
        assertEquals(-1, facts.status());
        assertNull(facts.method());
        assertEquals(-1, facts.contentLength());
    }

    @Test
    void reportsTheReasonOfTheFirstBrokenRule() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, plus(GET, "Host", "example.com"), false, false));
        assertEquals("uppercase character in field name 'Host' (RFC 9113 §8.2.1)", e.reason());
    }

    @Test
    void escapesControlCharactersInReasons() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, plus(GET, "x\r\ny", "1"), false, false));
        assertTrue(e.reason().contains("'x\\x0d\\x0ay'"), e.reason());
        assertFalse(e.reason().contains("\r"), "no raw CR reaches a log line");
    }

    @Test
    void surfacesThePriorityField() throws MalformedMessageException {
        assertEquals("u=1, i", RULES.inbound(REQUEST, plus(GET, "priority", "u=1, i"), false, false).priority());
        assertEquals("u=1, i", RULES.inbound(REQUEST, plus(GET, "priority", "u=1", "priority", "i"), false, false)
                .priority(), "several priority fields form one RFC 8941 dictionary");
        assertEquals("u=0", RULES.inbound(RESPONSE, block(":status", "200", "priority", "u=0"), true, false).priority());
        assertNull(RULES.inbound(REQUEST, GET, false, false).priority());
    }

    @Test
    void acceptsListsThatAreNotRandomAccess() throws MalformedMessageException {
        List<Header> linked = new LinkedList<>(GET);
        assertEquals("GET", RULES.inbound(REQUEST, linked, false, false).method());
        assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, new LinkedList<>(plus(GET, "connection", "close")), false, false));
    }

    @Test
    void refusesBlocksThatCannotArriveOnThisSide() {
        assertThrows(IllegalArgumentException.class, () -> RULES.inbound(REQUEST, GET, true, false));
        assertThrows(IllegalArgumentException.class,
                () -> RULES.inbound(RESPONSE, HeaderRulesCases.OK, false, false));
        assertThrows(IllegalArgumentException.class, () -> RULES.inbound(PUSH_PROMISE, GET, false, false));
    }
}
