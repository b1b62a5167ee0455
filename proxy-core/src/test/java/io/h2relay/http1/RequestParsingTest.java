package io.h2relay.http1;

import static io.h2relay.http1.Wire.body;
import static io.h2relay.http1.Wire.request;
import static io.h2relay.http1.Wire.serveAllSplits;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.http1.Http1Event.Data;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.RequestHead;
import io.h2relay.http1.Http1Event.Trailers;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server role: what well-formed requests turn into. Every input also runs byte by byte and in random splits. */
class RequestParsingTest {

    @Test
    void parsesASimpleGetIntoAHeadAndTheEndOfTheMessage() {
        List<Http1Event> events = serveAllSplits("GET /index.html?q=1 HTTP/1.1\r\nHost: example.com\r\n\r\n");
        assertEquals(List.of(
                new RequestHead("GET", "/index.html?q=1", Http1Version.HTTP_1_1,
                        List.of(Http1Field.of("host", "example.com")), "example.com", BodyFraming.NONE, 0, false),
                new EndOfMessage()), events);
    }

    @Test
    void lowerCasesFieldNamesAndStripsOptionalWhitespaceAroundValues() {
        RequestHead h = request(serveAllSplits("GET / HTTP/1.1\r\nHost: a\r\nX-Foo: \t bar  baz \t\r\n"
                + "Empty:\r\nX-FOO: second\r\n\r\n"), 0);
        assertEquals(List.of(Http1Field.of("host", "a"), Http1Field.of("x-foo", "bar  baz"),
                Http1Field.of("empty", ""), Http1Field.of("x-foo", "second")), h.headers());
    }

    @Test
    void keepsObsTextInFieldValuesAsLatin1() {
        RequestHead h = request(serveAllSplits("GET / HTTP/1.1\r\nHost: a\r\nX: caf\u00e9\u00ff\r\n\r\n"), 0);
        assertEquals("caf\u00e9\u00ff", h.headers().get(1).value());
    }

    @Test
    void deliversAContentLengthBody() {
        List<Http1Event> events = serveAllSplits("POST /up HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n"
                + "hello world");
        RequestHead h = request(events, 0);
        assertEquals(BodyFraming.CONTENT_LENGTH, h.framing());
        assertEquals(11, h.contentLength());
        assertEquals("hello world", body(events));
        assertEquals(new EndOfMessage(), events.get(events.size() - 1));
    }

    @Test
    void bodyDataIsAReadOnlyViewOfTheCallersBufferNotACopy() {
        byte[] input = Wire.bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        List<Http1Event> events = server.receiveData(ByteBuffer.wrap(input));
        ByteBuffer data = ((Data) events.get(1)).data();
        assertTrue(data.isReadOnly());
        assertEquals("hello", Wire.text(data));
        input[input.length - 5] = 'j';
        assertEquals("jello", Wire.text(data), "the event must share the caller's bytes");
    }

    @Test
    void receiveDataConsumesTheWholeBuffer() {
        ByteBuffer in = ByteBuffer.wrap(Wire.bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next"));
        new Http1Connection(Http1Role.SERVER).receiveData(in);
        assertFalse(in.hasRemaining());
    }

    @Test
    void acceptsEqualDuplicateContentLengthsAsOneValue() {
        // RFC 9110 §8.6 lets a recipient either reject "5, 5" or use the single value; we use it.
        for (String fields : List.of("Content-Length: 5, 5\r\n", "Content-Length: 5\r\nContent-Length: 005\r\n",
                "Content-Length: 5,5 , 5\r\n")) {
            List<Http1Event> events = serveAllSplits("POST / HTTP/1.1\r\nHost: a\r\n" + fields + "\r\nhello");
            assertEquals(5, request(events, 0).contentLength(), fields);
            assertEquals("hello", body(events), fields);
        }
    }

    @Test
    void acceptsLeadingZerosInContentLength() {
        List<Http1Event> events = serveAllSplits("POST / HTTP/1.1\r\nHost: a\r\n"
                + "Content-Length: 0000000000000000000000003"
                + "\r\n\r\nabc");
        assertEquals("abc", body(events));
    }

    @Test
    void contentLengthZeroMeansNoBody() {
        List<Http1Event> events = serveAllSplits("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n");
        assertEquals(BodyFraming.NONE, request(events, 0).framing());
        assertEquals(2, events.size());
    }

    @Test
    void decodesChunkedBodiesIgnoringExtensionsAndReportsTrailers() {
        List<Http1Event> events = serveAllSplits("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;name=value ; flag\t;q=\"quoted \\\" ;str\"\r\nhello\r\n"
                + "0000006\r\n world\r\n"
                + "0;last\r\nX-Checksum: abc\r\nX-Other:  v \r\n\r\n");
        RequestHead h = request(events, 0);
        assertEquals(BodyFraming.CHUNKED, h.framing());
        assertEquals(-1, h.contentLength());
        assertEquals("hello world", body(events));
        assertEquals(new Trailers(List.of(Http1Field.of("x-checksum", "abc"), Http1Field.of("x-other", "v"))),
                events.get(events.size() - 2));
        assertEquals(new EndOfMessage(), events.get(events.size() - 1));
    }

    @Test
    void chunkSizesAcceptLeadingZerosAndEitherHexCase() {
        List<Http1Event> events = serveAllSplits("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "00000000000000000000000000000A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n");
        assertEquals("0123456789abcdefghijk", body(events));
        assertEquals(0, Wire.count(events, Trailers.class), "no Trailers event for an empty trailer section");
    }

    @Test
    void transferCodingNamesAreCaseInsensitive() {
        List<Http1Event> events = serveAllSplits("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: ChUnKeD\r\n\r\n"
                + "1\r\nx\r\n0\r\n\r\n");
        assertEquals("x", body(events));
    }

    @Test
    void ignoresEmptyLinesBeforeTheRequestLine() {
        List<Http1Event> events = serveAllSplits("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"
                + "\r\nGET /second HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("/second", request(events, 1).target());
    }

    @Test
    void absoluteFormTargetSuppliesTheAuthorityAndPath() {
        RequestHead h = request(serveAllSplits("GET http://Example.com:8080/a/b?c=d HTTP/1.1\r\nHost: other\r\n"
                + "\r\n"), 0);
        assertEquals("http://Example.com:8080/a/b?c=d", h.target());
        assertEquals("Example.com:8080", h.authority(), "RFC 9112 §3.2.2: the target wins over Host");
        assertEquals("/a/b?c=d", h.path());
        assertEquals("http", h.scheme());
    }

    @Test
    void absoluteFormWithoutAPathHasPathSlash() {
        assertEquals("/", request(serveAllSplits("GET https://a HTTP/1.1\r\nHost: a\r\n\r\n"), 0).path());
        assertEquals("/?x=1", request(serveAllSplits("GET http://a?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"), 0).path());
    }

    @Test
    void connectUsesTheAuthorityFormAndHasNoPath() {
        RequestHead h = request(serveAllSplits("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"), 0);
        assertEquals("example.com:443", h.authority());
        assertNull(h.path());
        assertNull(h.scheme());
        assertEquals(BodyFraming.NONE, h.framing());
    }

    @Test
    void optionsAcceptsTheAsteriskForm() {
        RequestHead h = request(serveAllSplits("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n"), 0);
        assertEquals("*", h.path());
        assertEquals("a", h.authority());
    }

    @Test
    void originFormTakesItsAuthorityFromHost() {
        RequestHead h = request(serveAllSplits("GET /p HTTP/1.1\r\nHost: [::1]:8443\r\n\r\n"), 0);
        assertEquals("[::1]:8443", h.authority());
        assertNull(h.scheme());
        assertEquals("/p", h.path());
    }

    @Test
    void acceptsEveryUriCharacterAllowedInAnOriginFormTarget() {
        String target = "/AZaz09-._~!$&'()*+,;=:@/%2F%aa//?q=/?&x=%20";
        assertEquals(target, request(serveAllSplits("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n"), 0).target());
    }

    @Test
    void http10RequestsMayOmitHost() {
        RequestHead h = request(serveAllSplits("GET / HTTP/1.0\r\n\r\n"), 0);
        assertEquals(Http1Version.HTTP_1_0, h.version());
        assertEquals("", h.authority());
    }

    @Test
    void anEmptyHostIsAllowed() {
        assertEquals("", request(serveAllSplits("GET / HTTP/1.1\r\nHost:\r\n\r\n"), 0).authority());
    }

    @Test
    void higherMinorVersionsAreTreatedAsHttp11() {
        assertEquals(Http1Version.HTTP_1_1,
                request(serveAllSplits("GET / HTTP/1.7\r\nHost: a\r\n\r\n"), 0).version());
    }

    @Test
    void methodsAreCaseSensitiveTokensPassedThrough() {
        assertEquals("get", request(serveAllSplits("get / HTTP/1.1\r\nHost: a\r\n\r\n"), 0).method());
        assertEquals("M-SEARCH", request(serveAllSplits("M-SEARCH / HTTP/1.1\r\nHost: a\r\n\r\n"), 0).method());
    }

    @Test
    void expectContinueIsReportedForHttp11RequestsWithABody() {
        assertTrue(request(serveAllSplits("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\n"
                + "Content-Length: 1\r\n\r\nx"), 0).expectContinue());
        assertTrue(request(serveAllSplits("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 0).expectContinue());
        assertFalse(request(serveAllSplits("GET / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n\r\n"), 0)
                .expectContinue(), "no content, nothing to wait for");
        assertFalse(request(serveAllSplits("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\nx"),
                0).expectContinue(), "RFC 9110 §10.1.1: ignored in HTTP/1.0");
        assertFalse(request(serveAllSplits("PUT / HTTP/1.1\r\nHost: a\r\nExpect: something\r\n"
                + "Content-Length: 1\r\n\r\nx"), 0).expectContinue(), "unknown expectations are ignored");
    }

    @Test
    void pipelinedRequestsComeOutInOrderOnePerResponse() {
        List<Http1Event> events = serveAllSplits("GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals("/1", request(events, 0).target());
        assertEquals("/2", request(events, 1).target());
        assertEquals("/3", request(events, 2).target());
        assertEquals("abc", body(events));
    }
}
