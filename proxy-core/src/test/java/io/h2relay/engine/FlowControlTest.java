package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** h2's test_flow_control_window.py through the engine (ENGINE_PARITY rows 35, 37-44). */
class FlowControlTest {

    @Test
    void windowsStartAt65535BothWays() {
        Harness h = Harness.clientWithRequest(false);
        assertEquals(65535, h.conn.localFlowControlWindow(1));
        assertEquals(65535, h.conn.remoteFlowControlWindow(1));
        assertEquals(65535, h.conn.inboundFlowControlWindow());
        assertEquals(65535, h.conn.outboundFlowControlWindow());
    }

    @Test
    void sendingMoreThanTheWindowOrTheFrameSizeIsRefusedAndWritesNothing() {
        Harness h = Harness.clientWithRequest(false);
        assertThrows(FlowControlError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(70000), false));
        assertThrows(FrameTooLargeError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(16385), false));
        assertEquals(0, h.conn.outboundBufferedBytes());
        assertEquals(65535, h.conn.localFlowControlWindow(1));
        h.conn.sendData(1, ByteBuffer.allocate(16384), false);
        assertEquals(65535 - 16384, h.conn.localFlowControlWindow(1));
    }

    @Test
    void paddingCountsAgainstTheWindow() {
        Harness h = Harness.clientWithRequest(false);
        h.conn.sendData(1, ByteBuffer.allocate(3), false, 10);
        assertEquals(65535 - 14, h.conn.localFlowControlWindow(1));
        List<Wire.Frame> out = h.output();
        assertEquals(14, out.get(0).value());
    }

    @Test
    void receivedPaddingIsReportedAsFlowControlledLength() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        Event.DataReceived d = Harness.only(Event.DataReceived.class, h.feed(h.peer.data(1, new byte[3], false, 10)));
        assertEquals(3, d.data().remaining());
        assertEquals(14, d.flowControlledLength());
        assertEquals(65535 - 14, h.conn.remoteFlowControlWindow(1));
        assertEquals(65535 - 14, h.conn.inboundFlowControlWindow());
    }

    @Test
    void anEmptyFrameMayEndAStreamWhoseWindowIsNegative() {
        Harness h = Harness.clientWithRequest(false);
        h.conn.sendData(1, ByteBuffer.allocate(16384), false);
        h.output();
        // The server shrinks the initial window to 0: the stream window drops to -16384 (RFC 9113 §6.9.2).
        h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 0));
        assertEquals(-16384, h.conn.localFlowControlWindow(1));
        assertThrows(FlowControlError.class, () -> h.conn.sendData(1, ByteBuffer.allocate(1), false));
        h.conn.endStream(1);
        Wire.assertTypes(h.output(), FrameType.SETTINGS, FrameType.DATA);
    }

    @Test
    void anInitialWindowChangeMovesStreamWindowsButNotTheConnection() {
        Harness h = Harness.clientWithRequest(false);
        h.conn.sendHeaders(3, REQUEST, false);
        h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 65535 + 1000));
        assertEquals(65535, h.conn.outboundFlowControlWindow());
        assertEquals(65535, h.conn.localFlowControlWindow(1));
        h.feed(h.peer.windowUpdate(0, 5000));
        assertEquals(66535, h.conn.localFlowControlWindow(1));
        assertEquals(66535, h.conn.localFlowControlWindow(3));
    }

    @Test
    void anInitialWindowThatOverflowsAStreamWindowIsAConnectionError() {
        Harness h = Harness.clientWithRequest(false);
        h.feed(h.peer.windowUpdate(1, Integer.MAX_VALUE - 65535));
        Event.ConnectionTerminated t = assertInstanceOf(Event.ConnectionTerminated.class,
                h.feed(h.peer.settings(SettingId.INITIAL_WINDOW_SIZE, 65536)).get(0));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR.code(), t.errorCode());
    }

    @Test
    void elevenBytesIntoATenByteStreamWindowResetTheStream() {
        Harness h = Harness.server(H2Configuration.builder(false).initialWindowSize(10).build());
        h.feed(h.peer.headers(1, POST, false));
        Event.StreamReset reset = Harness.only(Event.StreamReset.class, h.feed(h.peer.data(1, new byte[11], false)));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR.code(), reset.errorCode());
        Wire.assertTypes(h.output(), FrameType.RST_STREAM);
    }

    @Test
    void exceedingTheConnectionWindowIsAConnectionError() {
        Harness h = Harness.server(H2Configuration.builder(false).initialWindowSize(1 << 20).build());
        h.feed(h.peer.headers(1, POST, false));
        for (int i = 0; i < 3; i++) {
            h.feed(h.peer.data(1, new byte[16384], false));
        }
        h.feed(h.peer.data(1, new byte[16383], false));
        Event.ConnectionTerminated t = assertInstanceOf(Event.ConnectionTerminated.class,
                h.feed(h.peer.data(1, new byte[1], false)).get(0));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR.code(), t.errorCode());
    }

    @Test
    void aStreamWindowOverflowResetsOnlyThatStream() {
        Harness h = Harness.clientWithRequest(false);
        Event.StreamReset reset = Harness.only(Event.StreamReset.class,
                h.feed(h.peer.windowUpdate(1, Integer.MAX_VALUE)));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR.code(), reset.errorCode());
        assertFalse(reset.remoteReset());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.RST_STREAM);
        assertEquals(3, out.get(0).errorCode());
    }

    @Test
    void aConnectionWindowOverflowIsAConnectionError() {
        Harness h = Harness.clientWithRequest(false);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.windowUpdate(0, Integer.MAX_VALUE)));
        assertEquals(ErrorCode.FLOW_CONTROL_ERROR.code(), t.errorCode());
    }

    @Test
    void aZeroIncrementIsAStreamErrorOnAStreamAndAConnectionErrorOnTheConnection() {
        Harness h = Harness.clientWithRequest(false);
        Event.StreamReset reset = Harness.only(Event.StreamReset.class, h.feed(h.peer.windowUpdate(1, 0)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), reset.errorCode());
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.windowUpdate(0, 0)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void windowUpdatesAreReported() {
        Harness h = Harness.clientWithRequest(false);
        List<Event> events = h.feed(h.peer.windowUpdate(0, 100), h.peer.windowUpdate(1, 200));
        assertEquals(new Event.WindowUpdated(0, 100), events.get(0));
        assertEquals(new Event.WindowUpdated(1, 200), events.get(1));
        assertEquals(65635, h.conn.localFlowControlWindow(1));
    }

    @Test
    void manualIncrementsAreExactAndBounded() {
        Harness h = Harness.serverWithRequest(false);
        assertThrows(IllegalArgumentException.class, () -> h.conn.incrementFlowControlWindow(0, 1));
        assertThrows(FlowControlError.class, () -> h.conn.incrementFlowControlWindow(Integer.MAX_VALUE, 1));
        h.conn.incrementFlowControlWindow(1000, 1);
        h.conn.incrementFlowControlWindow(2000, 0);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.WINDOW_UPDATE, FrameType.WINDOW_UPDATE);
        assertEquals(1, out.get(0).streamId());
        assertEquals(1000, out.get(0).value());
        assertEquals(0, out.get(1).streamId());
        assertEquals(2000, out.get(1).value());
        assertEquals(66535, h.conn.remoteFlowControlWindow(1));
        assertEquals(67535, h.conn.inboundFlowControlWindow());
    }

    @Test
    void automaticAcknowledgementFollowsH2sThresholds() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        for (int i = 0; i < 3; i++) {
            h.feed(h.peer.data(1, new byte[12000], false));
        }
        h.feed(h.peer.data(1, new byte[4000], false));
        h.conn.acknowledgeReceivedData(32766, 1);
        assertEquals(0, h.conn.outboundBufferedBytes());
        h.conn.acknowledgeReceivedData(1, 1);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.WINDOW_UPDATE, FrameType.WINDOW_UPDATE);
        assertEquals(32767, out.get(0).value());
        assertEquals(0, out.get(0).streamId());
        assertEquals(32767, out.get(1).value());
        assertEquals(1, out.get(1).streamId());
    }

    @Test
    void anExhaustedWindowIsReopenedAfterMoreThan1024Bytes() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        for (int i = 0; i < 3; i++) {
            h.feed(h.peer.data(1, new byte[16384], false));
        }
        h.feed(h.peer.data(1, new byte[16383], false));
        assertEquals(0, h.conn.remoteFlowControlWindow(1));
        h.conn.acknowledgeReceivedData(1024, 1);
        assertEquals(0, h.conn.outboundBufferedBytes());
        h.conn.acknowledgeReceivedData(1, 1);
        List<Wire.Frame> out = h.output();
        assertEquals(1025, out.get(0).value());
        assertEquals(1025, out.get(1).value());
    }

    @Test
    void acknowledgingAClosedStreamCreditsOnlyTheConnection() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false), h.peer.data(1, new byte[16000], false), h.peer.data(1, new byte[16000], false),
                h.peer.data(1, new byte[8000], true));
        h.conn.sendHeaders(1, RESPONSE, true);
        h.output();
        h.conn.acknowledgeReceivedData(40000, 1);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.WINDOW_UPDATE);
        assertEquals(0, out.get(0).streamId());
        assertThrows(IllegalArgumentException.class, () -> h.conn.acknowledgeReceivedData(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> h.conn.acknowledgeReceivedData(1, 0));
    }

    @Test
    void dataInFlightAfterOurResetStillOpensTheConnectionWindow() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        h.conn.resetStream(1, ErrorCode.CANCEL.code());
        h.output();
        List<Event> events = h.feed(h.peer.data(1, new byte[16384], false), h.peer.data(1, new byte[16384], false),
                h.peer.data(1, new byte[8000], false));
        assertEquals(List.of(), events);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.WINDOW_UPDATE);
        assertEquals(0, out.get(0).streamId());
        assertEquals(32768, out.get(0).value());
        assertTrue(h.conn.inboundFlowControlWindow() > 50000);
    }

    @Test
    void dataOnAStreamThePeerResetIsAStreamErrorButCreditsTheConnection() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false), h.peer.rstStream(1, ErrorCode.CANCEL.code()));
        assertEquals(List.of(), h.feed(h.peer.data(1, new byte[16000], false), h.peer.data(1, new byte[16000], false),
                h.peer.data(1, new byte[8000], false)));
        List<Wire.Frame> out = h.output();
        // RFC 9113 §5.1: frames after the peer's own RST_STREAM are stream errors, one RST_STREAM each.
        Wire.assertTypes(out, FrameType.RST_STREAM, FrameType.RST_STREAM, FrameType.WINDOW_UPDATE,
                FrameType.RST_STREAM);
        assertEquals(ErrorCode.STREAM_CLOSED.code(), out.get(0).errorCode());
        assertEquals(40000, out.get(2).value());
        assertEquals(3, h.conn.abuseCounters().localResets());
    }

    @Test
    void localInitialWindowSizeAppliesOnAck() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        h.conn.updateSettings(FrameFactory.settingsOf(SettingId.INITIAL_WINDOW_SIZE, 100000));
        assertEquals(65535, h.conn.remoteFlowControlWindow(1));
        Event.SettingsAcknowledged ack = Harness.only(Event.SettingsAcknowledged.class, h.feed(h.peer.settingsAck()));
        assertEquals(100000, ack.changedSettings().get(SettingId.INITIAL_WINDOW_SIZE).newValue());
        assertEquals(65535, h.conn.remoteFlowControlWindow(1)); // the connection window is unchanged
        h.conn.incrementFlowControlWindow(100000, 0);
        assertEquals(100000, h.conn.remoteFlowControlWindow(1));
    }

    @Test
    void acknowledgementsMadeBeforeOurWindowShrankStillReopenIt() {
        // Found by TwoEnginesPropertyTest: every byte acknowledged under the old window, none due then, none after.
        Harness h = Harness.client();
        h.conn.sendHeaders(1, REQUEST, true);
        h.feed(h.peer.headers(1, RESPONSE, false), h.peer.data(1, new byte[16384], false),
                h.peer.data(1, new byte[11301], false));
        h.conn.acknowledgeReceivedData(16384, 1);
        h.conn.acknowledgeReceivedData(11301, 1);
        h.conn.updateSettings(FrameFactory.settingsOf(SettingId.INITIAL_WINDOW_SIZE, 27685));
        h.output();
        h.feed(h.peer.settingsAck());
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.WINDOW_UPDATE);
        assertEquals(1, out.get(0).streamId());
        assertEquals(27685, out.get(0).value());
        assertEquals(27685, h.conn.remoteFlowControlWindow(1));
    }
}
