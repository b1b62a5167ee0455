package io.h2relay.engine;

import static io.h2relay.engine.HeaderBlockKind.REQUEST;
import static io.h2relay.engine.HeaderRulesCases.GET;
import static io.h2relay.engine.HeaderRulesCases.plus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 9113 §8.2.3: cookies joined on the way in (never-indexed), optionally split into crumbs on the way out. */
class HeaderRulesCookieTest {

    private static final HeaderRules RULES = new HeaderRules(HeaderRulesOptions.DEFAULT);
    private static final HeaderRules SPLITTING = new HeaderRules(new HeaderRulesOptions(true, true, true, true, true));
    private static final HeaderRules NO_NORMALIZE = new HeaderRules(new HeaderRulesOptions(true, false, true, true, false));
    private static final HeaderRules UNCHECKED = new HeaderRules(new HeaderRulesOptions(false, true, false, true, false));

    private static List<Header> cookies(List<Header> headers) {
        return headers.stream().filter(h -> h.name().equals("cookie")).toList();
    }

    @Test
    void joinsCookieFieldsIntoOneNeverIndexedField() throws MalformedMessageException {
        List<Header> in = plus(GET, "cookie", "a=1", "accept", "*/*", "cookie", "b=2");
        List<Header> out = RULES.inbound(REQUEST, in, false, false).headers();
        assertEquals(List.of(new Header("cookie", "a=1; b=2", true)), cookies(out));
        assertEquals(new Header("cookie", "a=1; b=2", true), out.get(GET.size()), "in the first cookie's place");
        assertEquals(Header.of("accept", "*/*"), out.get(GET.size() + 1));
    }

    @Test
    void joinsH2sVariedCookieSet() throws MalformedMessageException {
        List<Header> in = plus(GET, "cookie", "username=John Doe; expires=Thu, 18 Dec 2013 12:00:00 UTC",
                "cookie", "path=1", "cookie", "test1=val1; test2=val2");
        List<Header> out = RULES.inbound(REQUEST, in, false, false).headers();
        assertEquals("username=John Doe; expires=Thu, 18 Dec 2013 12:00:00 UTC; path=1; test1=val1; test2=val2",
                cookies(out).get(0).value());
    }

    @Test
    void marksALoneCookieNeverIndexed() throws MalformedMessageException {
        List<Header> out = RULES.inbound(REQUEST, plus(GET, "cookie", "a=1"), false, false).headers();
        assertEquals(List.of(new Header("cookie", "a=1", true)), cookies(out));
    }

    @Test
    void leavesAnAlreadyNeverIndexedLoneCookieAlone() throws MalformedMessageException {
        List<Header> in = new ArrayList<>(GET);
        in.add(new Header("cookie", "a=1", true));
        assertSame(in, RULES.inbound(REQUEST, in, false, false).headers());
    }

    @Test
    void skipsEmptyCookieFieldsWhenJoining() throws MalformedMessageException {
        List<Header> in = plus(GET, "cookie", "", "cookie", "a=1", "cookie", "");
        assertEquals("a=1", cookies(RULES.inbound(REQUEST, in, false, false).headers()).get(0).value());
    }

    @Test
    void joinsEvenWhenValidationIsOff() throws MalformedMessageException {
        List<Header> in = plus(GET, "Bad Name", "x", "cookie", "a=1", "cookie", "b=2");
        assertEquals(List.of(new Header("cookie", "a=1; b=2", true)),
                cookies(UNCHECKED.inbound(REQUEST, in, false, false).headers()));
    }

    @Test
    void doesNotJoinWhenNormalizationIsOff() throws MalformedMessageException {
        List<Header> in = plus(GET, "cookie", "a=1", "cookie", "b=2");
        assertSame(in, NO_NORMALIZE.inbound(REQUEST, in, false, false).headers());
    }

    @Test
    void splitsOutboundCookiesIntoCrumbsKeepingTheFlag() {
        List<Header> in = new ArrayList<>(GET);
        in.add(new Header("cookie", "username=John Doe; expires=Thu, 18 Dec 2013 12:00:00 UTC", true));
        in.add(Header.of("cookie", "path=1"));
        in.add(Header.of("cookie", "test1=val1;test2=val2; ;"));
        List<Header> out = SPLITTING.outbound(REQUEST, in, true, false).headers();
        assertEquals(List.of(new Header("cookie", "username=John Doe", true),
                new Header("cookie", "expires=Thu, 18 Dec 2013 12:00:00 UTC", true),
                Header.of("cookie", "path=1"), Header.of("cookie", "test1=val1"), Header.of("cookie", "test2=val2")),
                cookies(out));
    }

    @Test
    void doesNotSplitUnlessAsked() {
        List<Header> in = plus(GET, "cookie", "a=1; b=2");
        assertSame(in, RULES.outbound(REQUEST, in, true, false).headers());
    }

    @Test
    void splitThenJoinRoundTripsKeepingNeverIndexed() throws MalformedMessageException {
        List<Header> in = new ArrayList<>(GET);
        in.add(new Header("cookie", "sid=31d4d96e407aad42; lang=en-US; theme=dark", true));
        List<Header> sent = SPLITTING.outbound(REQUEST, in, true, false).headers();
        assertEquals(3, cookies(sent).size());
        cookies(sent).forEach(h -> assertEquals(true, h.neverIndexed(), h.toString()));
        List<Header> received = RULES.inbound(REQUEST, sent, false, false).headers();
        assertEquals(in, received);
    }
}
