package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.h2relay.frame.PriorityFields;
import java.util.List;
import org.junit.jupiter.api.Test;

/** h2's test_related_events.py: one frame, several events, the first linking the others (ENGINE_PARITY row 13). */
class RelatedEventsTest {

    private static final PriorityFields PRIORITY = new PriorityFields(0, false, 32);

    @Test
    void aRequestWithEndStreamAndPriorityYieldsThreeLinkedEvents() {
        Harness h = Harness.server();
        List<Event> events = h.feed(h.peer.headers(1, REQUEST, true, PRIORITY));
        assertEquals(3, events.size(), events.toString());
        Event.RequestReceived r = assertInstanceOf(Event.RequestReceived.class, events.get(0));
        Event.StreamEnded ended = assertInstanceOf(Event.StreamEnded.class, events.get(1));
        Event.PriorityUpdated p = assertInstanceOf(Event.PriorityUpdated.class, events.get(2));
        assertSame(ended, r.streamEnded());
        assertSame(p, r.priorityUpdated());
        assertEquals(32, p.weight());
        assertEquals(0, p.dependsOn());
        assertEquals(false, p.exclusive());
    }

    @Test
    void aRequestWithoutExtrasLinksNothing() {
        Harness h = Harness.server();
        Event.RequestReceived r = Harness.only(Event.RequestReceived.class, h.feed(h.peer.headers(1, POST, false)));
        assertNull(r.streamEnded());
        assertNull(r.priorityUpdated());
    }

    @Test
    void responsesInformationalResponsesAndTrailersLinkTheirEvents() {
        Harness h = Harness.clientWithRequest(true);
        List<Event> info = h.feed(h.peer.headers(1, headers(":status", "103"), false, PRIORITY));
        Event.InformationalResponseReceived i = assertInstanceOf(Event.InformationalResponseReceived.class,
                info.get(0));
        assertSame(info.get(1), i.priorityUpdated());

        List<Event> response = h.feed(h.peer.headers(1, RESPONSE, false, PRIORITY));
        Event.ResponseReceived r = assertInstanceOf(Event.ResponseReceived.class, response.get(0));
        assertSame(response.get(1), r.priorityUpdated());
        assertNull(r.streamEnded());

        List<Event> trailers = h.feed(h.peer.headers(1, headers("x-t", "1"), true, PRIORITY));
        Event.TrailersReceived t = assertInstanceOf(Event.TrailersReceived.class, trailers.get(0));
        assertSame(trailers.get(1), t.streamEnded());
        assertSame(trailers.get(2), t.priorityUpdated());
    }

    @Test
    void dataWithEndStreamLinksStreamEnded() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false));
        List<Event> events = h.feed(h.peer.data(1, new byte[2], true));
        Event.DataReceived d = assertInstanceOf(Event.DataReceived.class, events.get(0));
        assertSame(events.get(1), d.streamEnded());
        assertEquals(2, events.size());
    }
}
