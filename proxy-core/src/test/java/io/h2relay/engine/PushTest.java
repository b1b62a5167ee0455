package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server push both ways (RFC 9113 §8.4; ENGINE_PARITY rows 34 and 60). */
class PushTest {

    private static final List<io.h2relay.hpack.Header> PUSHED = headers(":method", "GET", ":scheme", "https",
            ":authority", "example.com", ":path", "/style.css");

    @Test
    void aServerPushesAndAnswersThePromisedStream() {
        Harness h = Harness.serverWithRequest(true);
        h.conn.pushStream(1, 2, PUSHED);
        assertEquals(StreamState.RESERVED_LOCAL, h.conn.streamState(2));
        h.conn.sendHeaders(1, RESPONSE, true);
        h.conn.sendHeaders(2, RESPONSE, false);
        h.conn.sendData(2, ByteBuffer.wrap(new byte[] {1}), true);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.PUSH_PROMISE, FrameType.HEADERS, FrameType.HEADERS, FrameType.DATA);
        assertEquals(2, out.get(0).promisedStreamId());
        assertEquals("/style.css", out.get(0).header(":path"));
        assertEquals(2, out.get(2).streamId());
        assertEquals(4, h.conn.nextAvailableStreamId());
    }

    @Test
    void pushRulesAreCheckedBeforeAnythingIsWritten() {
        Harness h = Harness.serverWithRequest(true);
        assertThrows(ProtocolError.class, () -> h.conn.pushStream(1, 3, PUSHED));
        assertThrows(InvalidHeadersError.class, () -> h.conn.pushStream(1, 2,
                headers(":method", "POST", ":scheme", "https", ":authority", "a", ":path", "/")));
        h.conn.pushStream(1, 4, PUSHED);
        assertThrows(StreamIdTooLowError.class, () -> h.conn.pushStream(1, 2, PUSHED));
        // No recursive push: a pushed stream cannot carry a PUSH_PROMISE.
        assertThrows(ProtocolError.class, () -> h.conn.pushStream(4, 6, PUSHED));
        Harness c = Harness.clientWithRequest(false);
        assertThrows(ProtocolError.class, () -> c.conn.pushStream(1, 2, PUSHED));
    }

    @Test
    void promisesBeyondTheReservedStreamLimitAreRefused() {
        Harness h = Harness.client(H2Configuration.builder(true)
                .limits(AbuseLimits.builder().maxReservedRemoteStreams(3).build()).build());
        h.conn.sendHeaders(1, REQUEST, true);
        h.output();
        for (int promised = 2; promised <= 6; promised += 2) {
            Harness.only(Event.PushedStreamReceived.class, h.feed(h.peer.pushPromise(1, promised, PUSHED)));
        }
        assertTrue(h.feed(h.peer.pushPromise(1, 8, PUSHED)).isEmpty());
        Wire.Frame rst = h.output().get(0);
        assertEquals(FrameType.RST_STREAM, rst.type());
        assertEquals(8, rst.streamId());
        assertEquals(ErrorCode.REFUSED_STREAM.code(), rst.errorCode());
        assertEquals(StreamState.CLOSED, h.conn.streamState(8));
        assertEquals(1, h.conn.abuseCounters().refusedStreams());
        // Once the server starts answering a promise, it is no longer reserved: room for another.
        h.feed(h.peer.headers(2, RESPONSE, false));
        Harness.only(Event.PushedStreamReceived.class, h.feed(h.peer.pushPromise(1, 10, PUSHED)));
    }

    @Test
    void aClientReceivesAPush() {
        Harness h = Harness.clientWithRequest(true);
        List<Event> events = h.feed(h.peer.pushPromise(1, 2, PUSHED), h.peer.headers(1, RESPONSE, true),
                h.peer.headers(2, RESPONSE, false), h.peer.data(2, new byte[] {5}, true));
        Event.PushedStreamReceived p = assertInstanceOf(Event.PushedStreamReceived.class, events.get(0));
        assertEquals(2, p.pushedStreamId());
        assertEquals(1, p.parentStreamId());
        assertEquals(PUSHED, p.headers());
        assertInstanceOf(Event.ResponseReceived.class, events.get(1));
        Event.ResponseReceived pushed = assertInstanceOf(Event.ResponseReceived.class, events.get(3));
        assertEquals(2, pushed.streamId());
        assertInstanceOf(Event.DataReceived.class, events.get(4));
        assertEquals(StreamState.CLOSED, h.conn.streamState(2));
    }

    @Test
    void aPushForAParentWeResetIsRefused() {
        Harness h = Harness.clientWithRequest(false);
        h.conn.resetStream(1, ErrorCode.CANCEL.code());
        h.output();
        assertEquals(List.of(), h.feed(h.peer.pushPromise(1, 2, PUSHED)));
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.RST_STREAM);
        assertEquals(2, out.get(0).streamId());
        assertEquals(ErrorCode.REFUSED_STREAM.code(), out.get(0).errorCode());
        // The promised stream's response, still in flight, is ignored.
        assertEquals(List.of(), h.feed(h.peer.headers(2, RESPONSE, true)));
    }

    @Test
    void aPushOnAServerStreamIsAConnectionError() {
        Harness h = Harness.clientWithRequest(true);
        h.feed(h.peer.pushPromise(1, 2, PUSHED));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.pushPromise(2, 4, PUSHED)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void aPushWhenDisabledIsAConnectionError() {
        Harness h = Harness.client(H2Configuration.builder(true).enablePush(false).build());
        h.conn.sendHeaders(1, REQUEST, true);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.pushPromise(1, 2, PUSHED)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
        assertTrue(t.additionalData().contains("push"));
    }

    @Test
    void aServerNeverAcceptsPushPromise() {
        Harness h = Harness.serverWithRequest(false);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.pushPromise(1, 2, PUSHED)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void aMalformedPromisedRequestResetsThePromisedStreamOnly() {
        Harness h = Harness.clientWithRequest(true);
        Event.StreamReset r = Harness.only(Event.StreamReset.class, h.feed(h.peer.pushPromise(1, 2,
                headers(":method", "POST", ":scheme", "https", ":authority", "a", ":path", "/"))));
        assertEquals(2, r.streamId());
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), r.errorCode());
        assertInstanceOf(Event.ResponseReceived.class, h.feed(h.peer.headers(1, RESPONSE, true)).get(0));
    }

    @Test
    void pushedResponsesCountAgainstOurConcurrencyLimit() {
        Harness h = Harness.client(H2Configuration.builder(true).maxConcurrentStreams(1).build());
        h.conn.sendHeaders(1, REQUEST, true);
        h.feed(h.peer.pushPromise(1, 2, PUSHED), h.peer.pushPromise(1, 4, PUSHED), h.peer.headers(2, RESPONSE, false));
        Event.StreamReset r = Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(4, RESPONSE, false)));
        assertEquals(4, r.streamId());
        assertTrue(r.refused());
    }

    @Test
    void pushOnlyAfterUpgradeSettings() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, REQUEST, true), h.peer.settings(SettingId.ENABLE_PUSH, 0));
        assertThrows(ProtocolError.class, () -> h.conn.pushStream(1, 2, PUSHED));
    }

    @Test
    void pushesAfterOurGoAwayAreIgnored() {
        Harness h = Harness.clientWithRequest(true);
        h.conn.closeConnection();
        h.output();
        assertEquals(List.of(), h.feed(h.peer.pushPromise(1, 2, PUSHED)));
        assertEquals(StreamState.CLOSED, h.conn.streamState(2));
        assertInstanceOf(Event.ResponseReceived.class, h.feed(h.peer.headers(1, RESPONSE, true)).get(0));
        assertEquals(List.of(), h.feed(h.peer.headers(2, RESPONSE, true)));
    }
}
