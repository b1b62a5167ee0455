package io.h2relay.http1;

import static io.h2relay.http1.Wire.body;
import static io.h2relay.http1.Wire.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.http1.Http1Event.Malformed;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Configurable limits: 414 for the request-line, 431 for field sections, 400 for chunk lines, 413 for bodies. */
class LimitsTest {

    private static final Http1Config SMALL = Http1Config.defaults().withMaxStartLineLength(32)
            .withMaxFieldLineLength(32).withMaxHeaderBytes(64).withMaxHeaderCount(4).withMaxChunkLineLength(12)
            .withMaxBodyLength(10);

    private static List<Http1Event> serve(String input) {
        return Wire.serveAllSplits(SMALL, input, false);
    }

    private static int status(String input) {
        return Wire.malformed(serve(input)).status();
    }

    @Test
    void aRequestLineAtTheLimitIsAcceptedAndOneByteMoreIs414() {
        String atLimit = "GET /" + "a".repeat(18) + " HTTP/1.1"; // 32 octets
        assertEquals(32, atLimit.length());
        assertEquals("/" + "a".repeat(18), request(serve(atLimit + "\r\nHost: a\r\n\r\n"), 0).target());
        assertEquals(414, status("GET /" + "a".repeat(19) + " HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    @Test
    void anOverlongLineFailsBeforeItsEndArrives() {
        // Memory stays bounded: no CRLF is needed to detect the excess.
        Http1Connection server = new Http1Connection(Http1Role.SERVER, SMALL);
        assertEquals(List.of(), server.receiveData(ByteBuffer.wrap(Wire.bytes("GET /" + "a".repeat(27)))));
        List<Http1Event> events = server.receiveData(ByteBuffer.wrap(Wire.bytes("aa")));
        assertEquals(414, Wire.malformed(events).status());
    }

    @Test
    void aFieldLineAtTheLimitIsAcceptedAndOneByteMoreIs431() {
        String atLimit = "X-Long: " + "v".repeat(24); // 32 octets
        assertEquals("v".repeat(24), request(serve("GET / HTTP/1.1\r\nHost: a\r\n" + atLimit + "\r\n\r\n"), 0)
                .headers().get(1).value());
        assertEquals(431, status("GET / HTTP/1.1\r\nHost: a\r\n" + atLimit + "v\r\n\r\n"));
    }

    @Test
    void tooManyHeaderFieldsIs431() {
        assertEquals(4, request(serve("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n"
                + "\r\n"), 0).headers().size());
        assertEquals(431, status("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n"));
    }

    @Test
    void aHeaderSectionAboveItsByteLimitIs431() {
        // Three lines of 29 octets + CRLF = 93 > 64, each line under the 32-octet line limit.
        String line = "X-Field: " + "v".repeat(20) + "\r\n";
        assertEquals(431, status("GET / HTTP/1.1\r\n" + line + line + line + "\r\n"));
    }

    @Test
    void trailerSectionsHaveTheSameLimits() {
        String chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
        assertEquals(431, status(chunked + "A: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\nE: 5\r\n\r\n"));
        assertEquals(431, status(chunked + "X-Long: " + "v".repeat(25) + "\r\n\r\n"));
    }

    @Test
    void anOverlongChunkLineIs400() {
        String chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertEquals("ab", body(serve(chunked + "2;abcdefghij\r\nab\r\n0\r\n\r\n")));
        assertEquals(400, status(chunked + "2;abcdefghijk\r\nab\r\n0\r\n\r\n"));
    }

    @Test
    void aDeclaredBodyAboveTheLimitIs413BeforeAnyDataIsRead() {
        assertEquals("0123456789", body(serve("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789")));
        List<Http1Event> events = serve("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n");
        assertEquals(List.of(Malformed.class), events.stream().map(Object::getClass).toList());
        assertEquals(413, Wire.malformed(events).status());
    }

    @Test
    void aChunkedBodyAboveTheLimitIs413WhenTheChunkIsAnnounced() {
        String chunked = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
        assertEquals("0123456789", body(serve(chunked + "6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n")));
        List<Http1Event> events = serve(chunked + "6\r\n012345\r\n5\r\n");
        assertEquals(413, Wire.malformed(events).status());
        assertEquals("012345", body(events));
    }

    @Test
    void tooManyEmptyLinesBeforeARequestIs400() {
        assertEquals(400, status("\r\n".repeat(17) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(1, Wire.count(serve("\r\n".repeat(16) + "GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                Http1Event.RequestHead.class));
    }

    @Test
    void responseLimitsMakeTheResponseMalformed() {
        List<Http1Event> events = Wire.fetchAllSplits(SMALL, "GET",
                "HTTP/1.1 200 " + "R".repeat(30) + "\r\n\r\n", false, List.of());
        assertEquals(502, Wire.malformed(events).status());
        events = Wire.fetchAllSplits(SMALL, "GET", "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\n", false, List.of());
        assertEquals(502, Wire.malformed(events).status());
        events = Wire.fetchAllSplits(SMALL, "GET", "HTTP/1.1 200 OK\r\n\r\n0123456789A", true, List.of());
        assertEquals(502, Wire.malformed(events).status());
    }

    @Test
    void everyMalformationAsksForTheConnectionToClose() {
        assertTrue(Wire.malformed(serve("GET /" + "a".repeat(40) + " HTTP/1.1\r\n")).closeConnection());
    }

    @Test
    void limitsMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> Http1Config.defaults().withMaxHeaderCount(0));
        assertThrows(IllegalArgumentException.class, () -> Http1Config.defaults().withMaxBodyLength(-1));
    }
}
