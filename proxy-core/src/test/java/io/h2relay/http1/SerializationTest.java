package io.h2relay.http1;

import static io.h2relay.http1.Wire.bytes;
import static io.h2relay.http1.Wire.drain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the codec writes, and what it refuses to write (RFC 9112 §11.1 response splitting, §6 framing). */
class SerializationTest {

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(bytes(s));
    }

    private static Http1Connection serverWith(String request) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        server.receiveData(buf(request));
        return server;
    }

    private static Http1Connection server() {
        return serverWith("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    }

    private static List<Http1Field> fields(String... nameValues) {
        List<Http1Field> out = new ArrayList<>();
        for (int i = 0; i < nameValues.length; i += 2) {
            out.add(Http1Field.of(nameValues[i], nameValues[i + 1]));
        }
        return out;
    }

    @Test
    void writesACanonicalRequestHeadKeepingFieldOrderAndCase() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/a?b=c", fields("Host", "example.com", "Accept", "*/*", "x-Lower", "v"), true);
        assertEquals("GET /a?b=c HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nx-Lower: v\r\n\r\n", drain(client));
    }

    @Test
    void aRequestBodyOfUnknownLengthIsChunked() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("POST", "/up", fields("Host", "a"), false);
        client.sendData(buf("hello"));
        client.sendData(buf(""));
        client.sendData(buf("0123456789abcdefg"));
        client.endMessage();
        assertEquals("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n11\r\n0123456789abcdefg\r\n0\r\n\r\n", drain(client));
    }

    @Test
    void aPostWithoutBodyDeclaresContentLengthZero() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("POST", "/", fields("Host", "a"), true);
        assertEquals("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", drain(client));
    }

    @Test
    void aContentLengthBodyIsWrittenAsIsAndMustMatchExactly() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("PUT", "/", fields("Host", "a", "Content-Length", "5"), false);
        client.sendData(buf("hel"));
        assertThrows(Http1Exception.class, () -> client.sendData(buf("lo!")));
        assertThrows(Http1Exception.class, client::endMessage, "two bytes short");
        client.sendData(buf("lo"));
        client.endMessage();
        assertEquals("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello", drain(client));
    }

    @Test
    void sendDataConsumesTheCallersBuffer() {
        Http1Connection server = server();
        server.sendResponseHead(200, List.of(), false);
        ByteBuffer data = buf("abc");
        server.sendData(data);
        assertEquals(0, data.remaining());
    }

    @Test
    void aResponseWithoutBodyDeclaresContentLengthZero() {
        Http1Connection server = server();
        server.sendResponseHead(404, List.of(), true);
        assertEquals("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", drain(server));
    }

    @Test
    void aResponseBodyOfUnknownLengthIsChunkedForHttp11() {
        Http1Connection server = server();
        server.sendResponseHead(200, "Fine", fields("Content-Type", "text/plain"), false);
        server.sendData(buf("chunk"));
        server.endMessage();
        assertEquals("HTTP/1.1 200 Fine\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nchunk\r\n0\r\n\r\n", drain(server));
    }

    @Test
    void anUnknownStatusGetsAnEmptyReasonPhrase() {
        Http1Connection server = server();
        server.sendResponseHead(299, List.of(), true);
        assertEquals("HTTP/1.1 299 \r\nContent-Length: 0\r\n\r\n", drain(server));
    }

    @Test
    void trailersAreWrittenAfterTheLastChunk() {
        Http1Connection server = server();
        server.sendResponseHead(200, fields("Trailer", "grpc-status"), false);
        server.sendData(buf("x"));
        server.sendTrailers(fields("grpc-status", "0", "grpc-message", "ok"));
        assertEquals("HTTP/1.1 200 OK\r\nTrailer: grpc-status\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\nx\r\n0\r\ngrpc-status: 0\r\ngrpc-message: ok\r\n\r\n", drain(server));
        assertEquals(Http1State.IDLE, server.ourState());
    }

    @Test
    void trailersNeedChunkedFraming() {
        Http1Connection server = server();
        server.sendResponseHead(200, fields("Content-Length", "1"), false);
        server.sendData(buf("x"));
        drain(server);
        assertThrows(Http1Exception.class, () -> server.sendTrailers(fields("grpc-status", "0")));
        assertEquals("", drain(server));
        server.sendTrailers(List.of()); // an empty trailer section is just the end
        assertEquals(Http1State.IDLE, server.ourState());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length", "transfer-encoding", "Host", "Connection", "Upgrade", "TE", "Trailer"})
    void framingAndRoutingFieldsAreRefusedInTrailers(String name) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("POST", "/", fields("Host", "a"), false);
        drain(client);
        assertThrows(Http1Exception.class, () -> client.sendTrailers(fields(name, "1")));
        assertEquals("", drain(client));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a\rb", "a\nb", "a\r\n"
            + "Injected: yes", "a\u0000b", "a\u007fb", "a\u001bb", " lead", "trail\t",
            "\u0100"})
    void refusesFieldValuesThatCouldSplitOrCorruptTheMessage(String value) {
        Http1Connection server = server();
        assertThrows(Http1Exception.class, () -> server.sendResponseHead(200, fields("X", value), true));
        assertEquals("", drain(server), "nothing written");
        assertEquals(Http1State.SEND_RESPONSE, server.ourState(), "state unchanged");
        server.sendResponseHead(200, fields("X", "fine"), true);
        assertEquals("HTTP/1.1 200 OK\r\nX: fine\r\nContent-Length: 0\r\n\r\n", drain(server));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Bad Name", "Bad:Name", "Bad\r\nName", "N\u0000", "caf\u00e9", "(x)"})
    void refusesInvalidFieldNames(String name) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        assertThrows(Http1Exception.class,
                () -> client.sendRequestHead("GET", "/", fields("Host", "a", name, "v"), true));
        assertEquals("", drain(client));
        assertEquals(Http1State.IDLE, client.ourState());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/a b", "/a\r\nHost: evil", "/\u0000", "/caf\u00e9", "/\t"})
    void refusesRequestTargetsThatAreNotVisibleAscii(String target) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        assertThrows(Http1Exception.class, () -> client.sendRequestHead("GET", target, fields("Host", "a"), true));
        assertEquals("", drain(client));
    }

    @Test
    void refusesInvalidMethodsAndReasonPhrases() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        assertThrows(Http1Exception.class, () -> client.sendRequestHead("GE T", "/", fields("Host", "a"), true));
        assertThrows(Http1Exception.class, () -> client.sendRequestHead("", "/", fields("Host", "a"), true));
        Http1Connection server = server();
        assertThrows(Http1Exception.class, () -> server.sendResponseHead(200, "OK\r\nX: y", List.of(), true));
        assertThrows(Http1Exception.class, () -> server.sendResponseHead(99, List.of(), true));
        assertThrows(Http1Exception.class, () -> server.sendResponseHead(600, List.of(), true));
        assertThrows(Http1Exception.class, () -> server.sendResponseHead(100, List.of(), true),
                "1xx goes through sendInformational");
        assertEquals("", drain(server));
    }

    @Test
    void refusesAmbiguousOrUnsupportedFraming() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        List<List<Http1Field>> bad = List.of(
                fields("Host", "a", "Content-Length", "1", "Transfer-Encoding", "chunked"),
                fields("Host", "a", "Transfer-Encoding", "gzip, chunked"),
                fields("Host", "a", "Transfer-Encoding", "gzip"),
                fields("Host", "a", "Content-Length", "1", "Content-Length", "1"),
                fields("Host", "a", "Content-Length", "1, 1"),
                fields("Host", "a", "Content-Length", "-1"),
                fields("Host", "a", "Upgrade", "websocket"),
                fields("Host", "a", "Host", "b"),
                fields("Accept", "*/*"));
        for (List<Http1Field> f : bad) {
            assertThrows(Http1Exception.class, () -> client.sendRequestHead("POST", "/", f, false), f::toString);
        }
        assertThrows(Http1Exception.class, () -> client.sendRequestHead("POST", "/",
                fields("Host", "a", "Content-Length", "3"), true), "a length but no body");
        assertThrows(Http1Exception.class,
                () -> client.sendRequestHead("CONNECT", "a:1", fields("Host", "a:1"), false));
        assertEquals("", drain(client));
    }

    @Test
    void responsesWithoutContentRefuseDataButPassLengthMetadata() {
        Http1Connection head = serverWith("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n");
        head.sendResponseHead(200, fields("Content-Length", "1234"), false);
        assertThrows(Http1Exception.class, () -> head.sendData(buf("x")));
        head.endMessage();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", drain(head));
        Http1Connection notModified = server();
        notModified.sendResponseHead(304, fields("ETag", "\"v1\""), true);
        assertEquals("HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n", drain(notModified));
        Http1Connection noContent = server();
        assertThrows(Http1Exception.class, () -> noContent.sendResponseHead(204, fields("Content-Length", "0"), true),
                "RFC 9110 §8.6");
        noContent.sendResponseHead(204, List.of(), true);
        assertEquals("HTTP/1.1 204 No Content\r\n\r\n", drain(noContent));
    }

    @Test
    void chunkedIsRefusedTowardsHttp10Clients() {
        Http1Connection server = serverWith("GET / HTTP/1.0\r\n\r\n");
        assertThrows(Http1Exception.class, () -> server.sendResponseHead(200, fields("Transfer-Encoding", "chunked"),
                false));
        assertEquals("", drain(server));
    }

    @Test
    void informationalResponsesCarryNoFramingFields() {
        Http1Connection server = serverWith("PUT / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n"
                + "Expect: 100-continue\r\n\r\n");
        assertThrows(Http1Exception.class, () -> server.sendInformational(100, fields("Content-Length", "0")));
        assertThrows(Http1Exception.class, () -> server.sendInformational(200, List.of()));
        server.sendInformational(103, fields("Link", "</a.css>; rel=preload"));
        assertEquals("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n", drain(server));
    }

    @Test
    void sendCallsOutOfTurnAreRefused() {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        assertThrows(Http1Exception.class, () -> server.sendResponseHead(200, List.of(), true), "no request yet");
        assertThrows(Http1Exception.class, () -> server.sendData(buf("x")));
        assertThrows(Http1Exception.class, server::endMessage);
        assertThrows(Http1Exception.class, () -> server.sendRequestHead("GET", "/", fields("Host", "a"), true));
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        assertThrows(Http1Exception.class, () -> client.sendResponseHead(200, List.of(), true));
        assertThrows(Http1Exception.class, () -> client.sendInformational(100, List.of()));
        client.sendRequestHead("GET", "/", fields("Host", "a"), true);
        assertThrows(Http1Exception.class, () -> client.sendData(buf("x")), "the request already ended");
    }

    @Test
    void dataToSendCanBeDrainedInParts() {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/", fields("Host", "a"), true);
        assertEquals("GET / HTTP", Wire.text(client.dataToSend(10)));
        assertEquals("/1.1\r\nHost: a\r\n\r\n", drain(client));
        assertEquals(0, client.dataToSend().remaining());
    }
}
