package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.FrameType;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Requests and responses on both sides (h2's test_basic_logic.py, the parts that are not error handling). */
class BasicExchangeTest {

    @Test
    void aServerReceivesARequestAndAnswersIt() {
        Harness h = Harness.server();
        List<Event> events = h.feed(h.peer.headers(1, REQUEST, true));
        assertEquals(2, events.size(), events.toString());
        Event.RequestReceived request = assertInstanceOf(Event.RequestReceived.class, events.get(0));
        assertEquals(1, request.streamId());
        assertEquals(REQUEST, request.headers());
        assertSame(events.get(1), request.streamEnded());
        assertEquals(StreamState.HALF_CLOSED_REMOTE, h.conn.streamState(1));

        h.conn.sendHeaders(1, RESPONSE, false);
        h.conn.sendData(1, ByteBuffer.wrap("hello".getBytes(StandardCharsets.US_ASCII)), true);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.HEADERS, FrameType.DATA);
        assertEquals("200", out.get(0).header(":status"));
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), out.get(1).payload());
        assertTrue(out.get(1).endStream());
        assertEquals(StreamState.CLOSED, h.conn.streamState(1));
        assertEquals(0, h.conn.liveStreams());
    }

    @Test
    void aClientSendsARequestAndReadsTheResponse() {
        Harness h = Harness.client();
        assertEquals(1, h.conn.nextAvailableStreamId());
        h.conn.sendHeaders(1, REQUEST, true);
        assertEquals(3, h.conn.nextAvailableStreamId());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.HEADERS);
        assertEquals(REQUEST, out.get(0).headers());
        assertTrue(out.get(0).endStream());

        List<Event> events = h.feed(h.peer.headers(1, RESPONSE, false), h.peer.data(1, new byte[] {1, 2, 3}, true));
        assertEquals(3, events.size(), events.toString());
        Event.ResponseReceived response = assertInstanceOf(Event.ResponseReceived.class, events.get(0));
        assertNull(response.streamEnded());
        Event.DataReceived data = assertInstanceOf(Event.DataReceived.class, events.get(1));
        assertEquals(3, data.flowControlledLength());
        assertSame(events.get(2), data.streamEnded());
        assertEquals(StreamState.CLOSED, h.conn.streamState(1));
    }

    @Test
    void theServerPrefaceIsAcceptedOneByteAtATime() {
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateConnection();
        FrameFactory peer = new FrameFactory();
        byte[] bytes = peer.clientPreface();
        int events = 0;
        for (byte b : bytes) {
            events += server.receiveData(ByteBuffer.wrap(new byte[] {b})).size();
        }
        assertEquals(1, events);
        assertEquals(false, server.isTerminated());
    }

    @Test
    void aWrongPrefaceByteEndsTheConnection() {
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateConnection();
        server.dataToSend();
        byte[] bad = new FrameFactory().preface();
        bad[5] = 'X';
        List<Event> events = server.receiveData(ByteBuffer.wrap(bad));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class, events);
        assertEquals(1, t.errorCode());
        Wire.Frame goAway = new Wire().read(server.dataToSend()).get(0);
        assertEquals(FrameType.GOAWAY, goAway.type());
    }

    @Test
    void initiateConnectionSendsEveryLocalSetting() {
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateConnection();
        List<Wire.Frame> out = new Wire().read(server.dataToSend());
        Wire.assertTypes(out, FrameType.SETTINGS);
        assertEquals(H2Settings.initialFrame(H2Configuration.server()), out.get(0).settings());
        assertEquals(4096L, out.get(0).settings().get(SettingId.HEADER_TABLE_SIZE));
    }

    @Test
    void dataToSendDrainsPartially() {
        H2Connection client = new H2Connection(H2Configuration.client());
        client.initiateConnection();
        int total = client.outboundBufferedBytes();
        assertEquals("PRI * HTTP", new String(client.dataToSend(10), StandardCharsets.US_ASCII));
        assertEquals(total - 10, client.outboundBufferedBytes());
        client.clearOutboundBuffer();
        assertEquals(0, client.dataToSend().length);
    }

    @Test
    void pingsAreAnsweredAndAcksReported() {
        Harness h = Harness.server();
        Event.PingReceived ping = Harness.only(Event.PingReceived.class, h.feed(h.peer.ping(0x0102030405060708L)));
        assertEquals(0x0102030405060708L, ping.pingData());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.PING);
        assertTrue(out.get(0).ack());
        assertEquals(0x0102030405060708L, out.get(0).value());
        h.conn.ping(42);
        assertEquals(42, h.output().get(0).value());
        assertEquals(42, Harness.only(Event.PingAckReceived.class, h.feed(h.peer.pingAck(42))).pingData());
    }

    @Test
    void unknownFramesAreReportedNotFatal() {
        Harness h = Harness.server();
        Event.UnknownFrameReceived u = Harness.only(Event.UnknownFrameReceived.class,
                h.feed(h.peer.unknown(0x20, 0x3, 0, new byte[] {9, 8, 7})));
        assertEquals(0x20, u.type());
        assertEquals(3, u.payload().remaining());
        h.feed(h.peer.headers(1, REQUEST, true));
        assertEquals(StreamState.HALF_CLOSED_REMOTE, h.conn.streamState(1));
    }

    @Test
    void trailersArriveAsTheirOwnEvent() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, FrameFactory.POST, false), h.peer.data(1, new byte[10], false));
        List<Event> events = h.feed(h.peer.headers(1, headers("grpc-status", "0"), true));
        Event.TrailersReceived t = assertInstanceOf(Event.TrailersReceived.class, events.get(0));
        assertEquals(headers("grpc-status", "0"), t.headers());
        assertSame(events.get(1), t.streamEnded());
    }
}
