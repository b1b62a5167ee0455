package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every abuse limit trips with GOAWAY(ENHANCE_YOUR_CALM) and a reason, and is counted (ENGINE_PARITY row 67,
 * PROXY_ANCHORS.md §2). Time is passed in, so rate limits are tested without clocks.
 */
class AbuseLimitsTest {

    private static final long SECOND = 1_000_000_000L;

    private static Event.ConnectionTerminated tripped(List<Event> events) {
        Event last = events.get(events.size() - 1);
        assertTrue(last instanceof Event.ConnectionTerminated, events.toString());
        Event.ConnectionTerminated t = (Event.ConnectionTerminated) last;
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), t.errorCode());
        assertFalse(t.remote());
        return t;
    }

    private static void assertGoAwayCalm(Harness h) {
        List<Wire.Frame> out = h.output();
        Wire.Frame last = out.get(out.size() - 1);
        assertEquals(FrameType.GOAWAY, last.type());
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), last.errorCode());
        assertFalse(last.text().isEmpty());
    }

    @Test
    void aPingFloodTrips() {
        Harness h = Harness.server();
        for (int i = 0; i < 1000; i++) {
            h.feed(h.peer.ping(i));
            h.conn.dataToSend();
        }
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.ping(1000)));
        assertTrue(t.additionalData().contains("PING flood"), t.additionalData());
        assertEquals(1001, h.conn.abuseCounters().pingFrames());
        assertGoAwayCalm(h);
    }

    @Test
    void pingsSpreadOverTimeDoNot() {
        Harness h = Harness.server();
        long now = 0;
        for (int i = 0; i < 5000; i++) {
            now += SECOND / 50;
            h.conn.receiveData(ByteBuffer.wrap(h.peer.ping(i)), now);
            h.conn.dataToSend();
        }
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void pingAcksAnsweringNoPingOfOursSpendThePingBudget() {
        Harness h = Harness.server();
        for (int i = 0; i < 1000; i++) {
            h.feed(h.peer.pingAck(i));
        }
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.pingAck(1000)));
        assertTrue(t.additionalData().contains("PING flood"), t.additionalData());
    }

    @Test
    void pingAcksAnsweringOurPingsAreFree() {
        Harness h = Harness.server();
        for (int i = 0; i < 3000; i++) {
            h.conn.ping(i);
            h.conn.dataToSend();
            Harness.only(Event.PingAckReceived.class, h.feed(h.peer.pingAck(i)));
        }
        assertFalse(h.conn.isTerminated());
        assertEquals(0, h.conn.abuseCounters().pingFrames());
    }

    @Test
    void settingsAcksForNothingSpendTheSettingsBudget() {
        Harness h = Harness.server(); // its preface SETTINGS took the first token
        for (int i = 0; i < 999; i++) {
            assertTrue(h.feed(h.peer.settingsAck()).isEmpty());
        }
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.settingsAck()));
        assertTrue(t.additionalData().contains("SETTINGS flood"), t.additionalData());
    }

    @Test
    void rapidResetTrips() {
        Harness h = Harness.server();
        int id = 1;
        for (int i = 0; i < 1000; i++, id += 2) {
            h.feed(h.peer.headers(id, REQUEST, false), h.peer.rstStream(id, ErrorCode.CANCEL.code()));
        }
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.headers(id, REQUEST, false),
                h.peer.rstStream(id, ErrorCode.CANCEL.code())));
        assertTrue(t.additionalData().contains("rapid reset"), t.additionalData());
        assertEquals(1001, h.conn.abuseCounters().peerResets());
        assertGoAwayCalm(h);
    }

    @Test
    void completedStreamsEarnResetBudgetBack() {
        Harness h = Harness.server();
        int id = 1;
        for (int i = 0; i < 3000; i++, id += 2) {
            h.feed(h.peer.headers(id, REQUEST, false), h.peer.rstStream(id, ErrorCode.CANCEL.code()));
            id += 2;
            h.feed(h.peer.headers(id, REQUEST, true));
            h.conn.sendHeaders(id, RESPONSE, true);
            h.conn.dataToSend();
        }
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void streamErrorsThePeerProvokesTrip() {
        Harness h = Harness.server();
        int id = 1;
        for (int i = 0; i < 1000; i++, id += 2) {
            h.feed(h.peer.headers(id, REQUEST, false), h.peer.windowUpdate(id, 0));
            h.conn.dataToSend();
        }
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.headers(id, REQUEST, false),
                h.peer.windowUpdate(id, 0)));
        assertTrue(t.additionalData().contains("stream errors"), t.additionalData());
        assertEquals(1001, h.conn.abuseCounters().localResets());
    }

    @Test
    void malformedRequestsAnsweredWith400StillSpendTheResetBudget() {
        // Each 400 ends the stream cleanly; that must not count as a completed stream earning the token back.
        Harness h = Harness.server();
        int id = 1;
        for (int i = 0; i < 1000; i++, id += 2) {
            h.feed(h.peer.headers(id, with(REQUEST, "Upper", "x"), true));
            h.conn.dataToSend();
        }
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.headers(id, with(REQUEST, "Upper", "x"), true)));
        assertTrue(t.additionalData().contains("stream errors"), t.additionalData());
        assertEquals(1001, h.conn.abuseCounters().localResets());
    }

    @Test
    void answersToMalformedRequestsCountAsOwedControlFrames() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxQueuedControlFrames(50).build()).build());
        int id = 1;
        for (int i = 0; i < 50; i++, id += 2) {
            h.feed(h.peer.headers(id, with(REQUEST, "Upper", "x"), true)); // answered 400, END_STREAM, no RST
        }
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.headers(id, with(REQUEST, "Upper", "x"), true)));
        assertTrue(t.additionalData().contains("not reading"), t.additionalData());
    }

    @Test
    void refusedPushesSpendTheResetBudget() {
        Harness h = Harness.client(H2Configuration.builder(true)
                .limits(AbuseLimits.builder().localResets(new RateLimit(3, 0)).build()).build());
        h.conn.sendHeaders(1, REQUEST, false);
        h.conn.resetStream(1, ErrorCode.CANCEL.code());
        h.output();
        for (int promised = 2; promised <= 6; promised += 2) {
            assertTrue(h.feed(h.peer.pushPromise(1, promised, REQUEST)).isEmpty());
            Wire.Frame rst = h.output().get(0);
            assertEquals(ErrorCode.REFUSED_STREAM.code(), rst.errorCode());
        }
        assertEquals(3, h.conn.abuseCounters().refusedStreams());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.pushPromise(1, 8, REQUEST)));
        assertTrue(t.additionalData().contains("refused streams"), t.additionalData());
    }

    private static List<Header> elevenFields() {
        List<Header> request = new ArrayList<>(REQUEST);
        for (int i = 0; i < 7; i++) {
            request.add(Header.of("cookie", "c" + i + "=1")); // cookie crumbs count one by one
        }
        return request;
    }

    @Test
    void aRunOfOversizedHeaderListsTrips() {
        Harness h = Harness.server(H2Configuration.builder(false).limits(AbuseLimits.builder().maxHeaderCount(10)
                .headerListOverflows(new RateLimit(3, 0)).build()).build());
        int id = 1;
        for (int i = 0; i < 3; i++, id += 2) {
            Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(id, elevenFields(), true)));
            assertEquals("431", h.output().get(0).header(":status"));
        }
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.headers(id, elevenFields(), true)));
        assertTrue(t.additionalData().contains("header list flood"), t.additionalData());
        assertEquals(4, h.conn.abuseCounters().oversizedHeaderLists());
        assertEquals(3, h.conn.abuseCounters().localResets());
    }

    @Test
    void oversizedHeaderListsSpendTheirOwnBudgetNotTheResetBudget() {
        Harness h = Harness.server(H2Configuration.builder(false).limits(AbuseLimits.builder().maxHeaderCount(10)
                .localResets(new RateLimit(2, 0)).build()).build());
        for (int id = 1; id < 20; id += 2) {
            Harness.only(Event.StreamReset.class, h.feed(h.peer.headers(id, elevenFields(), false)));
            h.conn.dataToSend();
        }
        assertFalse(h.conn.isTerminated());
        assertEquals(10, h.conn.abuseCounters().oversizedHeaderLists());
    }

    @Test
    void aSettingsFloodTripsAndOverlongSettingsFramesToo() {
        Harness h = Harness.server();
        for (int i = 0; i < 999; i++) {
            h.feed(h.peer.settings(0x99, i));
            h.conn.dataToSend();
        }
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.settings(0x99, 1)));
        assertTrue(t.additionalData().contains("SETTINGS flood"), t.additionalData());

        Harness g = Harness.server();
        int[] many = new int[66];
        for (int i = 0; i < 33; i++) {
            many[2 * i] = 0x100 + i;
            many[2 * i + 1] = i;
        }
        t = tripped(g.feed(g.peer.settings(many)));
        assertTrue(t.additionalData().contains("33 parameters"), t.additionalData());
    }

    @Test
    void emptyDataFramesInARowTrip() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, POST, false), h.peer.data(1, new byte[0], false), h.peer.data(1, new byte[1], false),
                h.peer.data(1, new byte[0], false));
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.data(1, new byte[0], false)));
        assertTrue(t.additionalData().contains("empty frame flood"), t.additionalData());
        assertEquals(3, h.conn.abuseCounters().emptyFrames());
    }

    @Test
    void aWindowUpdateFloodTrips() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, REQUEST, true));
        // Budget: 5 + 2 × (1 stream + 10 × 0 DATA frames) = 7.
        for (int i = 0; i < 7; i++) {
            h.feed(h.peer.windowUpdate(0, 1));
        }
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.windowUpdate(0, 1)));
        assertTrue(t.additionalData().contains("WINDOW_UPDATE flood"), t.additionalData());
    }

    @Test
    void windowUpdatesAnsweringOurDataAreFine() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, REQUEST, true));
        h.conn.sendHeaders(1, RESPONSE, false);
        for (int i = 0; i < 100; i++) {
            h.conn.sendData(1, ByteBuffer.allocate(100), false);
            h.feed(h.peer.windowUpdate(0, 100), h.peer.windowUpdate(1, 100));
        }
        assertFalse(h.conn.isTerminated());
    }

    @Test
    void aPriorityFloodTrips() {
        Harness h = Harness.server();
        for (int i = 0; i < 100; i++) {
            h.feed(h.peer.priority(3 + 2 * i, 0, 16, false));
        }
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.priorityUpdate(1, "u=1")));
        assertTrue(t.additionalData().contains("PRIORITY flood"), t.additionalData());
        assertEquals(101, h.conn.abuseCounters().priorityFrames());
    }

    @Test
    void refusedStreamsCountAgainstTheResetBudget() {
        Harness h = Harness.server(H2Configuration.builder(false).maxConcurrentStreams(0).build());
        int id = 1;
        for (int i = 0; i < 1000; i++, id += 2) {
            h.feed(h.peer.headers(id, REQUEST, true));
            h.conn.dataToSend();
        }
        assertEquals(1000, h.conn.abuseCounters().refusedStreams());
        tripped(h.feed(h.peer.headers(id, REQUEST, true)));
    }

    @Test
    void aFloodOfUnknownExtensionFramesTrips() {
        Harness h = Harness.server();
        for (int i = 0; i < 1000; i++) {
            h.feed(h.peer.unknown(0x20 + i % 100, 0, i % 7, new byte[3]));
        }
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.unknown(0xfa, 0, 0, new byte[0])));
        assertTrue(t.additionalData().contains("extension frame flood"), t.additionalData());
        assertEquals(1001, h.conn.abuseCounters().extensionFrames());
        assertGoAwayCalm(h);
    }

    @Test
    void altSvcAndOriginFramesAServerIgnoresCountAsExtensionFrames() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().extensionFrames(new RateLimit(10, 1)).build()).build());
        for (int i = 0; i < 5; i++) {
            h.feed(h.peer.altSvc(0, "https://example.com", "h2=\":443\""), h.peer.origin("https://example.com"));
        }
        assertFalse(h.conn.isTerminated());
        Event.ConnectionTerminated t = tripped(h.feed(h.peer.altSvc(0, "", "h2=\":443\"")));
        assertTrue(t.additionalData().contains("extension frame flood"), t.additionalData());
        assertEquals(11, h.conn.abuseCounters().extensionFrames());
    }

    @Test
    void extensionFramesSpreadOverTimeDoNotTrip() {
        Harness h = Harness.server();
        long now = 0;
        for (int i = 0; i < 5000; i++) {
            now += SECOND / 50;
            List<Event> events = h.conn.receiveData(ByteBuffer.wrap(h.peer.unknown(0x77, 0, 0, new byte[1])), now);
            Harness.only(Event.UnknownFrameReceived.class, events);
        }
        assertFalse(h.conn.isTerminated());
        assertEquals(5000, h.conn.abuseCounters().extensionFrames());
    }

    @Test
    void countersStartAtZeroAndNameNoTrip() {
        AbuseCounters c = new H2Connection(H2Configuration.server()).abuseCounters();
        assertEquals(new AbuseCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, 0), c);
    }
}
