package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2relay.frame.FrameType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** h2's test_informational_responses.py (ENGINE_PARITY row 14). */
class InformationalResponsesTest {

    private static final List<io.h2relay.hpack.Header> CONTINUE = headers(":status", "100");

    @Test
    void aServerSendsAnyNumberOf1xxBeforeTheFinalResponse() {
        Harness h = Harness.serverWithRequest(false);
        h.conn.sendHeaders(1, CONTINUE, false);
        h.conn.sendHeaders(1, headers(":status", "103", "link", "</a.css>"), false);
        h.conn.sendHeaders(1, RESPONSE, true);
        Wire.assertTypes(h.output(), FrameType.HEADERS, FrameType.HEADERS, FrameType.HEADERS);
    }

    @Test
    void aServerCannotEndTheStreamWithA1xxOrSendOneAfterTheFinalResponse() {
        Harness h = Harness.serverWithRequest(false);
        assertThrows(ProtocolError.class, () -> h.conn.sendHeaders(1, CONTINUE, true));
        h.conn.sendHeaders(1, RESPONSE, false);
        assertThrows(InvalidHeadersError.class, () -> h.conn.sendHeaders(1, CONTINUE, true));
        assertThrows(ProtocolError.class, () -> h.conn.sendHeaders(1, CONTINUE, false));
        Wire.assertTypes(h.output(), FrameType.HEADERS);
    }

    @Test
    void aClientAcceptsTwo100sThenA200() {
        Harness h = Harness.clientWithRequest(false);
        List<Event> events = h.feed(h.peer.headers(1, CONTINUE, false), h.peer.headers(1, CONTINUE, false),
                h.peer.headers(1, RESPONSE, true));
        assertInstanceOf(Event.InformationalResponseReceived.class, events.get(0));
        assertInstanceOf(Event.InformationalResponseReceived.class, events.get(1));
        assertInstanceOf(Event.ResponseReceived.class, events.get(2));
    }

    @Test
    void aClientRejectsA1xxWithEndStream() {
        Harness h = Harness.clientWithRequest(false);
        Event.StreamReset r = Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(1, CONTINUE, true)));
        assertEquals(1, r.streamId());
    }

    @Test
    void aClientRejectsA1xxAfterTheFinalResponse() {
        Harness h = Harness.clientWithRequest(false);
        h.feed(h.peer.headers(1, RESPONSE, false));
        Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(1, CONTINUE, true)));
    }

    @Test
    void aClientCannotSend1xx() {
        Harness h = Harness.clientWithRequest(false);
        assertThrows(InvalidHeadersError.class, () -> h.conn.sendHeaders(1, CONTINUE, true));
    }
}
