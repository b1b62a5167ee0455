package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2relay.frame.FrameType;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** h2c upgrade both ways (h2's test_h2_upgrade.py; ENGINE_PARITY row 8). */
class UpgradeTest {

    @Test
    void aClientGetsADecodableSettingsHeaderAndAHalfClosedStream1() {
        H2Connection client = new H2Connection(H2Configuration.client());
        String header = client.initiateUpgradeConnection(null);
        byte[] payload = Base64.getUrlDecoder().decode(header);
        assertEquals(0, payload.length % 6);
        assertEquals(H2Settings.initialFrame(H2Configuration.client()).size() * 6, payload.length);
        assertEquals(StreamState.HALF_CLOSED_LOCAL, client.streamState(1));
        assertThrows(StreamClosedError.class, () -> client.sendData(1, ByteBuffer.allocate(1), false));
        assertEquals(3, client.nextAvailableStreamId());
        List<Wire.Frame> out = new Wire().read(client.dataToSend());
        Wire.assertTypes(out, FrameType.SETTINGS);
    }

    @Test
    void aServerAppliesTheHeaderAndAnswersOnStream1() {
        H2Connection client = new H2Connection(H2Configuration.builder(true).initialWindowSize(1000).build());
        String header = client.initiateUpgradeConnection(null);
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateUpgradeConnection(header);
        assertEquals(1000, server.remoteSettings().initialWindowSize());
        assertEquals(StreamState.HALF_CLOSED_REMOTE, server.streamState(1));
        assertEquals(1000, server.localFlowControlWindow(1));
        // The server's own preface carries no ACK for the header's settings.
        byte[] serverPreface = server.dataToSend();
        Wire.assertTypes(new Wire().read(serverPreface), FrameType.SETTINGS);

        List<Event> events = server.receiveData(ByteBuffer.wrap(client.dataToSend()));
        assertInstanceOf(Event.RemoteSettingsChanged.class, events.get(0), events.toString());
        server.sendHeaders(1, RESPONSE, true);
        events = client.receiveData(ByteBuffer.wrap(FrameFactory.concat(serverPreface, server.dataToSend())));
        assertInstanceOf(Event.RemoteSettingsChanged.class, events.get(0));
        assertInstanceOf(Event.SettingsAcknowledged.class, events.get(1));
        assertInstanceOf(Event.ResponseReceived.class, events.get(2));
        assertEquals(StreamState.CLOSED, client.streamState(1));
    }

    @Test
    void aServerCanPushAfterAnUpgrade() {
        H2Connection client = new H2Connection(H2Configuration.client());
        H2Connection server = new H2Connection(H2Configuration.server());
        server.initiateUpgradeConnection(client.initiateUpgradeConnection(null));
        server.pushStream(1, 2, FrameFactory.headers(":method", "GET", ":scheme", "http", ":authority", "a",
                ":path", "/x"));
        assertEquals(StreamState.RESERVED_LOCAL, server.streamState(2));
    }

    @Test
    void badHeadersAreRefused() {
        H2Connection server = new H2Connection(H2Configuration.server());
        assertThrows(ProtocolError.class, () -> server.initiateUpgradeConnection("!!!"));
        assertThrows(ProtocolError.class, () -> server.initiateUpgradeConnection("AAAA"));
        byte[] push = {0, (byte) SettingId.INITIAL_WINDOW_SIZE, (byte) 0x80, 0, 0, 0};
        assertThrows(InvalidSettingsValueError.class,
                () -> server.initiateUpgradeConnection(Base64.getUrlEncoder().encodeToString(push)));
        assertEquals(0, server.outboundBufferedBytes());
        H2Connection client = new H2Connection(H2Configuration.client());
        assertThrows(IllegalArgumentException.class, () -> client.initiateUpgradeConnection("AAAA"));
        client.initiateConnection();
        assertThrows(ProtocolError.class, client::initiateConnection);
    }
}
