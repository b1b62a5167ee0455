package io.h2relay.engine;

import static io.h2relay.engine.HeaderBlockKind.REQUEST;
import static io.h2relay.engine.HeaderBlockKind.RESPONSE;
import static io.h2relay.engine.HeaderBlockKind.TRAILERS;
import static io.h2relay.engine.HeaderRulesCases.GET;
import static io.h2relay.engine.HeaderRulesCases.block;
import static io.h2relay.engine.HeaderRulesCases.plus;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.hpack.Header;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** RFC 9110 §8.6 content-length grammar and duplicates; RFC 9113 §8.1.1 body totals; HEAD/1xx/204/304 expect none. */
class HeaderRulesContentLengthTest {

    private static final HeaderRules RULES = new HeaderRules(HeaderRulesOptions.DEFAULT);
    private static final HeaderRules NO_NORMALIZE = new HeaderRules(new HeaderRulesOptions(true, false, true, false, false));
    private static final HeaderRules UNCHECKED = new HeaderRules(new HeaderRulesOptions(false, false, false, false, false));

    private static final String HUGE = "9".repeat(5000);

    @ParameterizedTest
    @ValueSource(strings = {"+15", "15 ", " 15", "0xF", "0x", "1e2", "-1", "", "15,", ",15", "15,,15", "1 5", "15;",
            "\uff11\uff15", "99999999999999999999", "9223372036854775808"})
    void rejectsValuesOutsideTheGrammar(String value) {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, plus(GET, "content-length", value), false, false));
        assertTrue(e.reason().contains("content-length") || e.reason().contains("whitespace"), e.reason());
    }

    @Test
    void rejectsFiveThousandDigits() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, plus(GET, "content-length", HUGE), false, false));
        assertTrue(e.reason().contains("too large"), e.reason());
        assertTrue(e.reason().length() < 200, "the reason quotes a bounded prefix of the value");
    }

    @Test
    void rejectsConflictingDuplicates() {
        assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, plus(GET, "content-length", "15", "content-length", "16"), false, false));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(REQUEST, plus(GET, "content-length", "15, 16"), false, false));
        assertTrue(e.reason().startsWith("conflicting values in content-length '15, 16'"), e.reason());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"0|0", "15|15", "015|15", "9223372036854775807|9223372036854775807"})
    void exposesTheDeclaredLength(String value, long expected) throws MalformedMessageException {
        List<Header> in = plus(GET, "content-length", value);
        HeaderFacts facts = RULES.inbound(REQUEST, in, false, false);
        assertEquals(expected, facts.contentLength());
        assertSame(in, facts.headers(), "a single value is left as it came");
    }

    @Test
    void acceptsAndCollapsesEqualDuplicates() throws MalformedMessageException {
        for (List<Header> in : List.of(plus(GET, "content-length", "15, 15"),
                plus(GET, "content-length", "15", "content-length", "15"),
                plus(GET, "content-length", "015", "x-a", "1", "content-length", "15 ,15"))) {
            HeaderFacts facts = RULES.inbound(REQUEST, in, false, false);
            assertEquals(15, facts.contentLength());
            assertEquals(1, facts.headers().stream().filter(h -> h.name().equals("content-length")).count());
            assertTrue(facts.headers().contains(Header.of("content-length", "15")), facts.headers().toString());
        }
    }

    @Test
    void keepsEqualDuplicatesWhenNotNormalizing() throws MalformedMessageException {
        List<Header> in = plus(GET, "content-length", "15", "content-length", "15");
        HeaderFacts facts = NO_NORMALIZE.inbound(REQUEST, in, false, false);
        assertSame(in, facts.headers());
        assertEquals(15, facts.contentLength());
    }

    @Test
    void collapsesEqualDuplicatesOnTheWayOut() {
        List<Header> in = plus(GET, "content-length", "15", "content-length", "15, 15");
        HeaderFacts facts = RULES.outbound(REQUEST, in, true, false);
        assertEquals(plus(GET, "content-length", "15"), facts.headers());
        assertThrows(InvalidHeadersError.class,
                () -> RULES.outbound(REQUEST, plus(GET, "content-length", "1", "content-length", "2"), true, false));
        assertThrows(InvalidHeadersError.class,
                () -> RULES.outbound(REQUEST, plus(GET, "content-length", "0x10"), true, false));
    }

    @Test
    void reportsNoLengthWhenValidationIsOffAndTheValueIsBad() throws MalformedMessageException {
        assertEquals(-1, UNCHECKED.inbound(REQUEST, plus(GET, "content-length", "+15"), false, false)
                .contentLength());
        assertEquals(-1, UNCHECKED.inbound(REQUEST, plus(GET, "content-length", "1", "content-length", "2"),
                false, false).contentLength());
    }

    @Test
    void toleratesZeroButNotContentIn204And1xxResponses() throws MalformedMessageException {
        assertEquals(0, RULES.inbound(RESPONSE, block(":status", "204", "content-length", "0"), true, false)
                .contentLength());
        assertDoesNotThrow(() -> RULES.inbound(RESPONSE, block(":status", "103", "content-length", "0"), true, false));
        assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(RESPONSE, block(":status", "204", "content-length", "7"), true, false));
        assertThrows(MalformedMessageException.class,
                () -> RULES.inbound(RESPONSE, block(":status", "100", "content-length", "7"), true, false));
    }

    @Test
    void neverSendsContentLengthIn204Or1xx() {
        assertEquals(block(":status", "204", "x-a", "1"),
                RULES.outbound(RESPONSE, block(":status", "204", "content-length", "0", "x-a", "1"), false, false)
                        .headers());
        assertEquals(block(":status", "100"),
                RULES.outbound(RESPONSE, block(":status", "100", "Content-Length", "3"), false, false).headers());
        assertThrows(InvalidHeadersError.class,
                () -> NO_NORMALIZE.outbound(RESPONSE, block(":status", "204", "content-length", "0"), false, false));
    }

    @Test
    void keepsContentLengthOf304AndHeadResponses() throws MalformedMessageException {
        HeaderFacts facts = RULES.inbound(RESPONSE, block(":status", "304", "content-length", "1234"), true, false);
        assertEquals(1234, facts.contentLength());
        assertEquals(0, HeaderRules.expectedBodyLength("GET", 304, facts.contentLength()));
        HeaderFacts head = RULES.inbound(RESPONSE, block(":status", "200", "content-length", "1234"), true, false);
        assertEquals(0, HeaderRules.expectedBodyLength("HEAD", head.status(), head.contentLength()));
    }

    @Test
    void ignoresContentLengthInTrailers() throws MalformedMessageException {
        HeaderFacts facts = RULES.inbound(TRAILERS, block("content-length", "whatever"), false, false);
        assertEquals(-1, facts.contentLength());
    }

    @ParameterizedTest(name = "{0} {1} declared {2} -> {3}")
    @CsvSource(nullValues = "null", value = {
        "GET, -1, 10, 10", "POST, -1, -1, -1", "CONNECT, -1, -1, -1", "CONNECT, -1, 5, -1",
        "GET, 200, 5, 5", "GET, 200, -1, -1", "HEAD, 200, 1234, 0", "HEAD, 404, -1, 0",
        "GET, 304, 1234, 0", "GET, 204, -1, 0", "GET, 100, -1, 0", "GET, 103, 0, 0",
        "CONNECT, 200, -1, -1", "CONNECT, 200, 12, -1", "CONNECT, 407, 12, 12", "null, 200, 7, 7"})
    void expectedBodyLengthFollowsMethodAndStatus(String method, int status, long declared, long expected) {
        assertEquals(expected, HeaderRules.expectedBodyLength(method, status, declared));
    }

    @Test
    void bodyLongerOrShorterThanDeclaredIsMalformed() throws MalformedMessageException {
        HeaderRules.checkBodyLength(10, 4, false);
        HeaderRules.checkBodyLength(10, 10, true);
        HeaderRules.checkBodyLength(-1, 1_000_000, true);
        MalformedMessageException longer = assertThrows(MalformedMessageException.class,
                () -> HeaderRules.checkBodyLength(10, 11, false));
        assertTrue(longer.reason().contains("more than the expected 10"), longer.reason());
        MalformedMessageException shorter = assertThrows(MalformedMessageException.class,
                () -> HeaderRules.checkBodyLength(10, 9, true));
        assertTrue(shorter.reason().contains("10 were expected"), shorter.reason());
        assertThrows(MalformedMessageException.class, () -> HeaderRules.checkBodyLength(0, 1, false),
                "HEAD, 204 and 304 expect no bytes at all");
    }
}
