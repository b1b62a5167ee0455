package io.h2relay.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.h2relay.config.HeaderEdits;
import io.h2relay.hpack.Header;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {

    private static final List<Header> REQUEST = List.of(
            Header.of(":method", "GET"), Header.of(":path", "/"), Header.of("Cookie", "a=1"),
            Header.of("x-env", "dev"), Header.of("x-tag", "old"), Header.of("X-Env", "qa"),
            new Header("authorization", "secret", true));

    @Test
    void removesThenSetsThenAddsAndNeverTouchesPseudoHeaders() {
        HeaderRewriter r = HeaderRewriter.of(new HeaderEdits(List.of("cookie"),
                List.of(Header.of("x-env", "prod")), List.of(Header.of("x-tag", "new"), Header.of("x-tag", "newer"))));
        assertEquals(List.of(
                Header.of(":method", "GET"), Header.of(":path", "/"), Header.of("x-tag", "old"),
                new Header("authorization", "secret", true),
                Header.of("x-env", "prod"), Header.of("x-tag", "new"), Header.of("x-tag", "newer")),
                r.apply(REQUEST));
    }

    @Test
    void aFieldBothRemovedAndAddedEndsUpWithTheAddedValue() {
        HeaderRewriter r = HeaderRewriter.of(new HeaderEdits(List.of("x-tag"), List.of(),
                List.of(Header.of("x-tag", "only"))));
        assertEquals(List.of(Header.of("x-tag", "only")), r.apply(List.of(Header.of("x-tag", "a"), Header.of("X-Tag", "b"))));
    }

    @Test
    void withNoEditsTheSameListComesBack() {
        assertSame(HeaderRewriter.NONE, HeaderRewriter.of(HeaderEdits.NONE));
        assertSame(REQUEST, HeaderRewriter.NONE.apply(REQUEST));
    }
}
