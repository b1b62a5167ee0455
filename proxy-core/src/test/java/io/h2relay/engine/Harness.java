package io.h2relay.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.h2relay.frame.FrameType;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * An engine under test with a scripted peer: a {@link FrameFactory} for what the peer sends and a {@link Wire} for
 * what the engine writes. {@link #server()} and {@link #client()} return connections past the preface and the
 * SETTINGS exchange, output drained.
 */
final class Harness {

    final H2Connection conn;
    final FrameFactory peer = new FrameFactory();
    final Wire wire = new Wire();

    Harness(H2Configuration config) {
        this.conn = new H2Connection(config);
    }

    static Harness server() {
        return server(H2Configuration.server());
    }

    static Harness server(H2Configuration config) {
        Harness h = new Harness(config);
        h.conn.initiateConnection();
        List<Event> events = h.feed(h.peer.clientPreface(), h.peer.settingsAck());
        assertInstanceOf(Event.RemoteSettingsChanged.class, events.get(0));
        assertInstanceOf(Event.SettingsAcknowledged.class, events.get(1));
        Wire.assertTypes(h.output(), FrameType.SETTINGS, FrameType.SETTINGS);
        return h;
    }

    static Harness client() {
        return client(H2Configuration.client());
    }

    static Harness client(H2Configuration config) {
        Harness h = new Harness(config);
        h.conn.initiateConnection();
        List<Event> events = h.feed(h.peer.settings(new io.h2relay.frame.Settings()), h.peer.settingsAck());
        assertEquals(2, events.size(), events.toString());
        Wire.assertTypes(h.output(), FrameType.SETTINGS, FrameType.SETTINGS);
        return h;
    }

    List<Event> feed(byte[]... frames) {
        return conn.receiveData(ByteBuffer.wrap(FrameFactory.concat(frames)));
    }

    List<Wire.Frame> output() {
        return wire.read(conn.dataToSend());
    }

    /** A server harness with a GET received on stream 1 (output drained). */
    static Harness serverWithRequest(boolean endStream) {
        Harness h = server();
        h.feed(h.peer.headers(1, FrameFactory.REQUEST, endStream));
        return h;
    }

    /** A client harness that sent a GET on stream 1 (output drained). */
    static Harness clientWithRequest(boolean endStream) {
        Harness h = client();
        h.conn.sendHeaders(1, FrameFactory.REQUEST, endStream);
        h.output();
        return h;
    }

    static <T extends Event> T only(Class<T> type, List<Event> events) {
        assertEquals(1, events.size(), events.toString());
        return assertInstanceOf(type, events.get(0));
    }
}
