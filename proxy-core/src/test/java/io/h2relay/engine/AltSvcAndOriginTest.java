package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2relay.frame.FrameType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ALTSVC (RFC 7838) and ORIGIN (RFC 8336) (h2's test_rfc7838.py; ENGINE_PARITY row 61). */
class AltSvcAndOriginTest {

    @Test
    void aClientReportsAnOriginAltSvc() {
        Harness h = Harness.client();
        Event.AlternativeServiceAvailable a = Harness.only(Event.AlternativeServiceAvailable.class,
                h.feed(h.peer.altSvc(0, "example.com", "h2=\":8000\"")));
        assertEquals("example.com", a.origin());
        assertEquals("h2=\":8000\"", a.fieldValue());
    }

    @Test
    void aStreamAltSvcTakesTheStreamsAuthorityUntilTheResponse() {
        Harness h = Harness.clientWithRequest(true);
        Event.AlternativeServiceAvailable a = Harness.only(Event.AlternativeServiceAvailable.class,
                h.feed(h.peer.altSvc(1, "", "h2=\":8000\"")));
        assertEquals("example.com", a.origin());
        h.feed(h.peer.headers(1, RESPONSE, false));
        assertEquals(List.of(), h.feed(h.peer.altSvc(1, "", "h2=\":9000\"")));
    }

    @Test
    void invalidAltSvcFramesAreIgnored() {
        Harness h = Harness.clientWithRequest(true);
        assertEquals(List.of(), h.feed(h.peer.unknown(FrameType.ALTSVC, 0, 0, new byte[] {0, 0})));
        assertEquals(List.of(), h.feed(h.peer.altSvc(9, "", "h2=\":1\"")));
    }

    @Test
    void aServerIgnoresAltSvcAndOrigin() {
        Harness h = Harness.server();
        assertEquals(List.of(), h.feed(h.peer.altSvc(0, "example.com", "h2=\":8000\"")));
        assertEquals(List.of(), h.feed(h.peer.origin("https://example.com")));
        assertEquals(ConnectionState.IDLE, h.conn.state());
    }

    @Test
    void aServerAdvertisesOnStreamZeroOrBeforeTheResponse() {
        Harness h = Harness.serverWithRequest(true);
        h.conn.advertiseAlternativeService("h2=\":8000\"", "example.com", 0);
        h.conn.advertiseAlternativeService("h2=\":8001\"", null, 1);
        h.conn.sendHeaders(1, RESPONSE, false);
        assertThrows(ProtocolError.class, () -> h.conn.advertiseAlternativeService("h2=\":8002\"", null, 1));
        assertThrows(IllegalArgumentException.class, () -> h.conn.advertiseAlternativeService("x", "o", 1));
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.ALTSVC, FrameType.ALTSVC, FrameType.HEADERS);
        assertEquals("example.com h2=\":8000\"", out.get(0).text());
        assertEquals(1, out.get(1).streamId());
        Harness c = Harness.client();
        assertThrows(ProtocolError.class, () -> c.conn.advertiseAlternativeService("x", "o", 0));
    }

    @Test
    void originFramesGoFromServersToClients() {
        Harness s = Harness.server();
        s.conn.advertiseOrigins(List.of("https://a.example", "https://b.example"));
        Wire.Frame f = s.output().get(0);
        assertEquals(FrameType.ORIGIN, f.type());
        Harness c = Harness.client();
        Event.OriginReceived o = Harness.only(Event.OriginReceived.class,
                c.feed(c.peer.origin("https://a.example", "https://b.example")));
        assertEquals(List.of("https://a.example", "https://b.example"), o.origins());
        assertThrows(ProtocolError.class, () -> c.conn.advertiseOrigins(List.of("https://x")));
    }

    @Test
    void theFirstRequestAfterAltSvcStillWorks() {
        Harness h = Harness.client();
        h.feed(h.peer.altSvc(0, "example.com", "clear"));
        h.conn.sendHeaders(1, REQUEST, true);
        assertEquals(FrameType.HEADERS, h.output().get(0).type());
    }
}
