package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.SettingId;
import io.h2relay.frame.Settings;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SETTINGS through the engine (ENGINE_PARITY rows 30-36, 64; h2's test_basic_logic settings cases). */
class SettingsExchangeTest {

    @Test
    void validRemoteSettingsApplyAtOnceAndAreAcknowledged() {
        Harness h = Harness.server();
        Event.RemoteSettingsChanged e = Harness.only(Event.RemoteSettingsChanged.class,
                h.feed(h.peer.settings(SettingId.MAX_CONCURRENT_STREAMS, 7, SettingId.MAX_FRAME_SIZE, 20000)));
        assertEquals(new ChangedSetting(SettingId.MAX_CONCURRENT_STREAMS, H2Settings.UNLIMITED, 7),
                e.changedSettings().get(SettingId.MAX_CONCURRENT_STREAMS));
        assertEquals(20000, h.conn.maxOutboundFrameSize());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.SETTINGS);
        assertTrue(out.get(0).ack());
    }

    @Test
    void unknownSettingsAreReportedAndAcknowledged() {
        Harness h = Harness.server();
        Event.RemoteSettingsChanged e = Harness.only(Event.RemoteSettingsChanged.class,
                h.feed(h.peer.settings(0x99, 7)));
        assertEquals(new ChangedSetting(0x99, null, 7), e.changedSettings().get(0x99));
        assertTrue(h.output().get(0).ack());
    }

    @Test
    void invalidRemoteValuesEndTheConnectionWithTheirCode() {
        Harness a = Harness.server();
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                a.feed(a.peer.settings(SettingId.MAX_FRAME_SIZE, 100)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
        Harness b = Harness.server();
        t = Harness.only(Event.ConnectionTerminated.class,
                b.feed(b.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 0x80000000)));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR.code(), t.errorCode());
        Wire.Frame goAway = b.output().get(0);
        assertEquals(FrameType.GOAWAY, goAway.type());
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR.code(), goAway.errorCode());
    }

    @Test
    void aClientRejectsAServerEnablingPush() {
        Harness h = Harness.client();
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.settings(SettingId.ENABLE_PUSH, 1)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void localSettingsTakeEffectOnlyWhenAcknowledged() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, FrameFactory.POST, false));
        h.conn.updateSettings(FrameFactory.settingsOf(SettingId.MAX_FRAME_SIZE, 32768));
        assertEquals(16384, h.conn.maxInboundFrameSize());
        Harness before = Harness.server();
        before.feed(before.peer.headers(1, FrameFactory.POST, false));
        before.conn.updateSettings(FrameFactory.settingsOf(SettingId.MAX_FRAME_SIZE, 32768));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                before.feed(before.peer.data(1, new byte[20000], false)));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR.code(), t.errorCode());

        Event.SettingsAcknowledged ack = Harness.only(Event.SettingsAcknowledged.class, h.feed(h.peer.settingsAck()));
        assertEquals(32768, ack.changedSettings().get(SettingId.MAX_FRAME_SIZE).newValue());
        assertEquals(32768, h.conn.maxInboundFrameSize());
        assertInstanceOf(Event.DataReceived.class, h.feed(h.peer.data(1, new byte[20000], false)).get(0));
    }

    @Test
    void eachAckAppliesOnlyItsOwnFrame() {
        Harness h = Harness.server();
        h.conn.updateSettings(FrameFactory.settingsOf(SettingId.MAX_FRAME_SIZE, 20000));
        h.conn.updateSettings(FrameFactory.settingsOf(SettingId.MAX_CONCURRENT_STREAMS, 5));
        Event.SettingsAcknowledged first = Harness.only(Event.SettingsAcknowledged.class,
                h.feed(h.peer.settingsAck()));
        assertEquals(List.of(SettingId.MAX_FRAME_SIZE), List.copyOf(first.changedSettings().keySet()));
        assertEquals(100, h.conn.localSettings().maxConcurrentStreams());
        Event.SettingsAcknowledged second = Harness.only(Event.SettingsAcknowledged.class,
                h.feed(h.peer.settingsAck()));
        assertEquals(List.of(SettingId.MAX_CONCURRENT_STREAMS), List.copyOf(second.changedSettings().keySet()));
        assertEquals(5, h.conn.localSettings().maxConcurrentStreams());
        assertEquals(List.of(), h.feed(h.peer.settingsAck()));
    }

    @Test
    void invalidLocalSettingsAreRefusedBeforeAnythingIsSent() {
        Harness h = Harness.server();
        assertThrows(InvalidSettingsValueError.class,
                () -> h.conn.updateSettings(FrameFactory.settingsOf(SettingId.ENABLE_PUSH, 1)));
        assertThrows(InvalidSettingsValueError.class,
                () -> h.conn.updateSettings(FrameFactory.settingsOf(SettingId.MAX_FRAME_SIZE, 10)));
        assertEquals(0, h.conn.outboundBufferedBytes());
        assertEquals(0, h.conn.localSettings().pendingFrames());
    }

    @Test
    void pushIsRefusedLocallyOnceTheClientDisablesIt() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, REQUEST, true), h.peer.settings(SettingId.ENABLE_PUSH, 0));
        h.output();
        assertThrows(ProtocolError.class, () -> h.conn.pushStream(1, 2, REQUEST));
        assertEquals(0, h.conn.outboundBufferedBytes());
    }

    @Test
    void aRemoteHeaderTableSizeOfZeroStartsTheNextBlockWithASizeUpdate() {
        Harness h = Harness.serverWithRequest(true);
        h.feed(h.peer.settings(SettingId.HEADER_TABLE_SIZE, 0));
        h.output();
        h.conn.sendHeaders(1, RESPONSE, true);
        byte[] raw = h.conn.dataToSend();
        assertEquals(FrameType.HEADERS, raw[3]);
        assertEquals(0x20, raw[9] & 0xff);
    }

    @Test
    void ourHeaderTableSizeBindsTheDecoderOnceAcknowledged() {
        Harness h = Harness.server();
        h.conn.updateSettings(FrameFactory.settingsOf(SettingId.HEADER_TABLE_SIZE, 0));
        h.feed(h.peer.settingsAck());
        // The peer's encoder still has a 4096 table; indexing a field now breaks our decoder's limit only if the
        // peer fails to send the size update first. A block starting with a size update to 0 is fine.
        h.peer.encoder.setMaxTableSize(0);
        assertInstanceOf(Event.RequestReceived.class, h.feed(h.peer.headers(1, REQUEST, true)).get(0));
    }

    @Test
    void aTableSizeUpdateAboveOurSettingIsACompressionError() {
        Harness h = Harness.server();
        h.conn.updateSettings(FrameFactory.settingsOf(SettingId.HEADER_TABLE_SIZE, 100));
        h.feed(h.peer.settingsAck());
        // 0x3f 0xe1 0x1f: dynamic table size update to 4096 (RFC 7541 §6.3), then an indexed :method GET.
        ByteBuffer block = ByteBuffer.wrap(new byte[] {0x3f, (byte) 0xe1, 0x1f, (byte) 0x82});
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.rawHeaders(1, 0x5, block)));
        assertEquals(ErrorCode.COMPRESSION_ERROR.code(), t.errorCode());
    }

    @Test
    void theFirstFrameMustBeSettings() {
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateConnection();
        FrameFactory peer = new FrameFactory();
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                server.receiveData(ByteBuffer.wrap(FrameFactory.concat(peer.preface(), peer.ping(1)))));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void anUnsolicitedAckChangesNothing() {
        Harness h = Harness.server();
        assertEquals(List.of(), h.feed(h.peer.settingsAck()));
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void thePeersMaxHeaderListSizeIsOnlyAdvisory() {
        Harness h = Harness.serverWithRequest(true);
        h.feed(h.peer.settings(SettingId.MAX_HEADER_LIST_SIZE, 10));
        h.conn.sendHeaders(1, with(RESPONSE, "x", "y"), true);
        assertEquals(FrameType.HEADERS, h.output().get(1).type());
    }

    @Test
    void theConfiguredSettingsGoOutWithoutRfc7540PrioritiesByDefault() {
        H2Connection c = new H2Connection(H2Configuration.client());
        c.initiateConnection();
        Settings s = new Wire().read(c.dataToSend()).get(0).settings();
        assertEquals(1L, s.get(SettingId.NO_RFC7540_PRIORITIES));
        assertEquals(1L, s.get(SettingId.ENABLE_PUSH));
        assertEquals(8, s.size());
    }
}
