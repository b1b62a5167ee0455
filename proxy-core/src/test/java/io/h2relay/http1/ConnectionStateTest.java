package io.h2relay.http1;

import static io.h2relay.http1.Wire.bytes;
import static io.h2relay.http1.Wire.drain;
import static io.h2relay.http1.Wire.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.http1.Http1Event.ConnectionClosed;
import io.h2relay.http1.Http1Event.EndOfMessage;
import io.h2relay.http1.Http1Event.RequestHead;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keep-alive, pipelining, 100-continue, protocol switches and end of stream (RFC 9112 §9, RFC 9110 §7.8, §10.1.1).
 */
class ConnectionStateTest {

    private static final List<Http1Field> HOST = List.of(Http1Field.of("Host", "a"));

    /** How input reaches the connection: every test runs whole, byte by byte and in seeded random splits. */
    enum Split {
        WHOLE, BYTE_BY_BYTE, RANDOM;

        List<Http1Event> feed(Http1Connection c, String s) {
            byte[] b = bytes(s);
            int[] sizes = switch (this) {
                case WHOLE -> new int[] {b.length};
                case BYTE_BY_BYTE -> Wire.standardSplits(b.length, 0).get(1);
                case RANDOM -> Wire.randomSplit(b.length, new Random(s.hashCode()));
            };
            List<Http1Event> events = new ArrayList<>();
            int off = 0;
            for (int size : sizes) {
                for (Http1Event e : c.receiveData(ByteBuffer.wrap(Arrays.copyOfRange(b, off, off + size)))) {
                    events.add(e instanceof Http1Event.Data d ? new Http1Event.Data(Wire.copy(d.data())) : e);
                }
                off += size;
            }
            return Wire.normalize(events);
        }
    }

    private static List<Http1Event> feed(Http1Connection c, String s) {
        return c.receiveData(ByteBuffer.wrap(bytes(s)));
    }

    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(bytes(s));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void http11ConnectionsPersistByDefault(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(Http1State.SEND_RESPONSE, server.ourState());
        assertEquals(Http1State.DONE, server.theirState());
        server.sendResponseHead(200, List.of(), true);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", drain(server));
        assertEquals(Http1State.IDLE, server.ourState());
        assertEquals(Http1State.IDLE, server.theirState());
        assertTrue(server.keepAlive());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void connectionCloseInTheRequestClosesAfterTheResponseAndSaysSo(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
        assertEquals(Http1State.MUST_CLOSE, server.theirState());
        server.sendResponseHead(200, List.of(Http1Field.of("Content-Length", "2")), false);
        server.sendData(buf("ok"));
        server.endMessage();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
        assertFalse(server.keepAlive());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void connectionCloseInTheResponseIsNotRepeated(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        server.sendResponseHead(200, List.of(Http1Field.of("Connection", "close")), true);
        assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
        assertEquals(Http1State.MUST_CLOSE, server.theirState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void http10ClosesUnlessItAsksForKeepAlive(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.0\r\n\r\n");
        server.sendResponseHead(200, List.of(), false);
        server.sendData(buf("body"));
        server.endMessage();
        // No length given and chunked is not HTTP/1.0: the body is delimited by closing.
        assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nbody", drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void http10KeepAliveIsHonouredAndAnswered(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n");
        server.sendResponseHead(200, List.of(Http1Field.of("Content-Length", "1")), false);
        server.sendData(buf("x"));
        server.endMessage();
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nConnection: keep-alive\r\n\r\nx", drain(server));
        assertEquals(Http1State.IDLE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void http10KeepAliveWithoutALengthStillCloses(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        server.sendResponseHead(200, List.of(), false);
        server.endMessage();
        assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n", drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void pipelinedRequestsAreHeldUntilTheCurrentResponseIsComplete(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        List<Http1Event> first = split.feed(server, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\n"
                + "Host: a\r\n\r\n"
                + "GET /3 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(2, first.size());
        assertEquals("/1", request(first, 0).target());
        assertEquals(List.of(), server.pollEvents(), "nothing while the first response is outstanding");
        server.sendResponseHead(200, List.of(Http1Field.of("Content-Length", "1")), false);
        assertEquals(List.of(), server.pollEvents(), "nor while its body is being sent");
        server.sendData(buf("1"));
        server.endMessage();
        List<Http1Event> second = server.pollEvents();
        assertEquals("/2", request(second, 0).target());
        server.sendResponseHead(204, List.of(), true);
        assertEquals("/3", request(server.pollEvents(), 0).target());
    }

    @Test
    void heldPipelinedInputIsBoundedByPausingReads() {
        Http1Connection server = new Http1Connection(Http1Role.SERVER, Http1Config.defaults().withMaxBufferedInput(64));
        feed(server, "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next HTTP/1.1\r\nHost: a\r\n");
        assertFalse(server.readPaused(), "33 bytes held, under 64");
        feed(server, "X-Pad: " + "p".repeat(40) + "\r\n\r\n");
        assertTrue(server.readPaused());
        assertThrows(Http1Exception.class, () -> feed(server, "more"));
        server.sendResponseHead(200, List.of(), true);
        List<Http1Event> next = server.pollEvents();
        assertEquals("/next", request(next, 0).target());
        assertFalse(server.readPaused());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void pipelinedInputIsDroppedWhenTheConnectionWillClose(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\nGET /never HTTP/1.1\r\n"
                + "Host: a\r\n\r\n");
        server.sendResponseHead(200, List.of(), true);
        assertEquals(List.of(), server.pollEvents());
        assertEquals(List.of(), split.feed(server, "GET /later HTTP/1.1\r\nHost: a\r\n\r\n"));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void expectContinueLetsTheServerSend100BeforeTheBody(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        List<Http1Event> head = split.feed(server, "PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                + "Content-Length: 5\r\n\r\n");
        assertTrue(request(head, 0).expectContinue());
        assertTrue(server.peerAwaitsContinue());
        server.sendInformational(100, List.of());
        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", drain(server));
        assertFalse(server.peerAwaitsContinue());
        assertEquals(Http1State.SEND_RESPONSE, server.ourState(), "a 1xx is not the response");
        assertEquals("hello", Wire.body(split.feed(server, "hello")));
        server.sendResponseHead(201, List.of(), true);
        assertEquals(Http1State.IDLE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aFinalResponseInsteadOf100ClosesTheConnection(Split split) {
        // RFC 9110 §10.1.1: the client may or may not send the announced body; only closing removes the doubt.
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "PUT /f HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5000000\r\n\r\n");
        server.sendResponseHead(413, List.of(), true);
        assertEquals("HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void anEarlyResponseKeepsReadingTheRequestBodyToTheEnd(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nabc");
        server.sendResponseHead(200, List.of(), true);
        assertEquals(Http1State.DONE, server.ourState());
        assertEquals(Http1State.BODY, server.theirState());
        assertEquals("def", Wire.body(split.feed(server, "def")));
        assertEquals(Http1State.IDLE, server.ourState());
        assertEquals(Http1State.IDLE, server.theirState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void informationalResponsesAreRefusedToHttp10Clients(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "PUT / HTTP/1.0\r\nContent-Length: 1\r\n\r\n");
        assertThrows(Http1Exception.class, () -> server.sendInformational(100, List.of()));
        assertEquals("", drain(server));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void a101SwitchesProtocolsAndHandsOverWhatFollowedTheRequest(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        List<Http1Event> events = split.feed(server, "GET /chat HTTP/1.1\r\nHost: a\r\n"
                + "Connection: keep-alive, Upgrade\r\n"
                + "Upgrade: websocket\r\n\r\n\u0081\u0085frame");
        assertEquals(List.of(RequestHead.class, EndOfMessage.class), events.stream().map(Object::getClass).toList());
        server.sendInformational(101, List.of(Http1Field.of("Connection", "Upgrade"),
                Http1Field.of("Upgrade", "websocket")));
        assertEquals("HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
                drain(server));
        assertEquals(Http1State.SWITCHED, server.ourState());
        assertEquals("\u0081\u0085frame", Wire.text(server.takeTrailingData()));
        assertEquals(0, server.takeTrailingData().remaining(), "handed over once");
        assertThrows(Http1Exception.class, () -> split.feed(server, "x"));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void h2cUpgradeHandsTheClientPrefaceOver(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\nPRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
        server.sendInformational(101, List.of(Http1Field.of("Connection", "Upgrade"), Http1Field.of("Upgrade", "h2c")));
        assertEquals("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", Wire.text(server.takeTrailingData()));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void a101NeedsAnUpgradeRequestAndAnUpgradeField(Split split) {
        Http1Connection plain = new Http1Connection(Http1Role.SERVER);
        split.feed(plain, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n"); // no "upgrade" connection option
        assertThrows(Http1Exception.class, () -> plain.sendInformational(101, List.of(Http1Field.of("Upgrade", "x"))));
        Http1Connection upgrade = new Http1Connection(Http1Role.SERVER);
        split.feed(upgrade, "GET / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n");
        assertThrows(Http1Exception.class, () -> upgrade.sendInformational(101, List.of()));
        assertEquals("", drain(upgrade));
        Http1Connection withBody = new Http1Connection(Http1Role.SERVER);
        split.feed(withBody, "POST / HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: h2c\r\n"
                + "Content-Length: 3\r\n\r\n");
        assertThrows(Http1Exception.class,
                () -> withBody.sendInformational(101, List.of(Http1Field.of("Upgrade", "h2c"))),
                "the whole request must arrive before switching");
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void a2xxToConnectTurnsTheConnectionIntoATunnel(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\nearly-bytes");
        assertThrows(Http1Exception.class,
                () -> server.sendResponseHead(200, List.of(Http1Field.of("Content-Length", "0")), false),
                "RFC 9110 §9.3.6: no framing fields in a 2xx to CONNECT");
        server.sendResponseHead(200, List.of(), false);
        assertEquals("HTTP/1.1 200 OK\r\n\r\n", drain(server));
        assertEquals(Http1State.SWITCHED, server.theirState());
        assertEquals("early-bytes", Wire.text(server.takeTrailingData()));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aRefusedConnectKeepsTheConnectionInHttp(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
        server.sendResponseHead(403, List.of(), true);
        assertEquals("/", request(server.pollEvents(), 0).target());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void theEndOfStreamBetweenRequestsIsAConnectionClose(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        server.sendResponseHead(200, List.of(), true);
        assertEquals(List.of(new ConnectionClosed()), server.receiveEof());
        assertEquals(Http1State.CLOSED, server.theirState());
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
        assertThrows(Http1Exception.class, () -> split.feed(server, "GET"));
        assertEquals(List.of(), server.receiveEof(), "reported once");
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aHalfCloseAfterTheRequestStillGetsItsResponse(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(List.of(new ConnectionClosed()), server.receiveEof());
        server.sendResponseHead(200, List.of(), true);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void pipelinedRequestsBeforeAHalfCloseAreAllAnswered(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "GET /1 HTTP/1.1\r\nHost: a\r\n\r\nGET /2 HTTP/1.1\r\nHost: a\r\n\r\n");
        assertEquals(List.of(), server.receiveEof(), "reported after the held request");
        server.sendResponseHead(200, List.of(), true);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", drain(server));
        List<Http1Event> second = server.pollEvents();
        assertEquals("/2", request(second, 0).target());
        assertEquals(new ConnectionClosed(), second.get(second.size() - 1));
        server.sendResponseHead(200, List.of(), true);
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aTunnelOnAConnectionCloseRequestStillGetsItsEarlyBytes(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "CONNECT db:5432 HTTP/1.1\r\nHost: db:5432\r\nConnection: close\r\n\r\nearly");
        server.sendResponseHead(200, List.of(), false);
        assertEquals("early", Wire.text(server.takeTrailingData()));
        assertEquals(Http1State.SWITCHED, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void theEndOfStreamInsideARequestIsMalformed(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\n\r\nabc");
        assertEquals(400, Wire.malformed(server.receiveEof()).status());
        Http1Connection head = new Http1Connection(Http1Role.SERVER);
        split.feed(head, "GET / HTTP/1.1\r\nHo");
        assertEquals(400, Wire.malformed(head.receiveEof()).status());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void afterAMalformedRequestTheServerAnswersAndCloses(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        List<Http1Event> events = split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n");
        assertEquals(400, Wire.malformed(events).status());
        assertEquals(Http1State.SEND_RESPONSE, server.ourState());
        server.sendResponseHead(400, List.of(Http1Field.of("Content-Type", "text/plain")), false);
        server.sendData(buf("bad request"));
        server.endMessage();
        // Nothing is known about the request's version: no chunked, the close delimits the body.
        assertEquals("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nbad request",
                drain(server));
        assertEquals(Http1State.MUST_CLOSE, server.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aClientReusesTheConnectionForSequentialRequests(Split split) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        for (int i = 0; i < 3; i++) {
            client.sendRequestHead("GET", "/" + i, HOST, true);
            assertEquals("GET /" + i + " HTTP/1.1\r\nHost: a\r\n\r\n", drain(client));
            assertThrows(Http1Exception.class, () -> client.sendRequestHead("GET", "/x", HOST, true),
                    "no client pipelining");
            List<Http1Event> events = split.feed(client, "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\n" + i);
            assertEquals(String.valueOf(i), Wire.body(events));
            assertEquals(Http1State.IDLE, client.ourState());
        }
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aClientClosesAfterAResponseWithConnectionClose(Split split) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/", HOST, true);
        split.feed(client, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
        assertEquals(Http1State.MUST_CLOSE, client.ourState());
        assertThrows(Http1Exception.class, () -> client.sendRequestHead("GET", "/", HOST, true));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aClientClosesAfterAnHttp10ResponseWithoutKeepAlive(Split split) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/", HOST, true);
        split.feed(client, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertEquals(Http1State.MUST_CLOSE, client.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aClientSendsNoChunkedRequestsToAnHttp10Server(Split split) {
        // RFC 9112 §6.1: Transfer-Encoding only to a server known to speak HTTP/1.1.
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/", HOST, true);
        split.feed(client, "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n");
        assertEquals(Http1State.IDLE, client.ourState());
        drain(client);
        assertThrows(Http1Exception.class, () -> client.sendRequestHead("POST", "/", HOST, false));
        client.sendRequestHead("POST", "/", List.of(Http1Field.of("Host", "a"), Http1Field.of("Content-Length", "1")),
                false);
        assertEquals("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\n", drain(client));
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aServerClosingAnIdleClientConnectionIsReported(Split split) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("GET", "/", HOST, true);
        split.feed(client, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertEquals(List.of(new ConnectionClosed()), client.receiveEof());
        assertEquals(Http1State.MUST_CLOSE, client.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void aResponseArrivingBeforeTheRequestBodyEndsWaitsForIt(Split split) {
        Http1Connection client = new Http1Connection(Http1Role.CLIENT);
        client.sendRequestHead("POST", "/", List.of(Http1Field.of("Host", "a"), Http1Field.of("Content-Length", "4")),
                false);
        client.sendData(buf("ab"));
        split.feed(client, "HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n");
        assertEquals(Http1State.DONE, client.theirState());
        assertEquals(Http1State.BODY, client.ourState());
        client.sendData(buf("cd"));
        client.endMessage();
        assertEquals(Http1State.IDLE, client.ourState());
    }

    @ParameterizedTest
    @EnumSource(Split.class)
    void receivingAfterAnErrorReturnsNothing(Split split) {
        Http1Connection server = new Http1Connection(Http1Role.SERVER);
        split.feed(server, "BROKEN\r\n");
        assertEquals(List.of(), split.feed(server, "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        assertEquals(List.of(), server.receiveEof());
    }
}
