package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A client engine and a server engine talking in memory (h2's test_interacting_stacks.py), and the sans-IO promise
 * that input may be split anywhere (ENGINE_PARITY row 5).
 */
class InteractingStacksTest {

    /** Moves bytes both ways, fed in random chunks of up to {@code chunk}, until neither side has more to say. */
    private static final class Link {
        final H2Connection client = new H2Connection(H2Configuration.client());
        final H2Connection server = new H2Connection(H2Configuration.server());
        final List<Event> clientEvents = new ArrayList<>();
        final List<Event> serverEvents = new ArrayList<>();
        final Random random;
        final int chunk;

        Link(long seed, int chunk) {
            this.random = new Random(seed);
            this.chunk = chunk;
            client.initiateConnection();
            server.initiateConnection();
        }

        void pump() {
            for (int round = 0; round < 10_000; round++) {
                boolean moved = move(client, server, serverEvents) | move(server, client, clientEvents);
                if (!moved) {
                    return;
                }
            }
            throw new AssertionError("no quiescence");
        }

        private boolean move(H2Connection from, H2Connection to, List<Event> sink) {
            byte[] bytes = from.dataToSend();
            if (bytes.length == 0) {
                return false;
            }
            int at = 0;
            int first = sink.size();
            while (at < bytes.length) {
                int n = chunk > 0 ? Math.min(bytes.length - at, 1 + random.nextInt(chunk)) : bytes.length;
                ByteBuffer piece = ByteBuffer.allocate(n).put(bytes, at, n).flip();
                sink.addAll(to.receiveData(piece));
                at += n;
            }
            // Acknowledged once the whole write is read, so the WINDOW_UPDATE pattern does not depend on the split.
            for (Event e : sink.subList(first, sink.size())) {
                if (e instanceof Event.DataReceived d) {
                    to.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
                }
            }
            return true;
        }
    }

    private static void exchange(Link link) {
        H2Connection c = link.client;
        H2Connection s = link.server;
        c.sendHeaders(1, REQUEST, true);
        c.sendHeaders(3, POST, false);
        c.queueData(3, ByteBuffer.allocate(200_000), true);
        c.sendHeaders(5, FrameFactory.with(REQUEST, "cookie", "a=1", "cookie", "b=2"), true,
                new PriorityFields(0, false, 100));
        c.ping(77);
        link.pump();
        Map<Integer, Long> received = new HashMap<>();
        for (Event e : link.serverEvents) {
            if (e instanceof Event.DataReceived d) {
                received.merge(d.streamId(), (long) d.data().remaining(), Long::sum);
            }
        }
        assertEquals(200_000L, received.get(3));
        s.sendHeaders(1, RESPONSE, false);
        s.queueData(1, ByteBuffer.allocate(100_000), false);
        s.sendHeaders(1, headers("x-checksum", "42"), true);
        s.sendHeaders(3, RESPONSE, true);
        s.sendHeaders(5, headers(":status", "103"), false);
        s.resetStream(5, ErrorCode.CANCEL.code());
        s.closeConnection();
        link.pump();
        assertEquals(0, s.liveStreams());
        assertEquals(0, c.liveStreams());
        assertFalse(c.isTerminated());
        assertFalse(s.isTerminated());
    }

    @Test
    void aClientAndAServerCompleteAnExchange() {
        Link link = new Link(1, 0);
        exchange(link);
        List<Class<?>> kinds = link.clientEvents.stream().<Class<?>>map(Object::getClass).distinct().toList();
        assertTrue(kinds.contains(Event.TrailersReceived.class), kinds.toString());
        assertTrue(kinds.contains(Event.InformationalResponseReceived.class), kinds.toString());
        assertTrue(kinds.contains(Event.ConnectionTerminated.class), kinds.toString());
        assertTrue(kinds.contains(Event.PingAckReceived.class), kinds.toString());
    }

    @Test
    void anySplitOfTheBytesGivesTheSameEvents() {
        Link whole = new Link(7, 0);
        exchange(whole);
        for (int chunk : new int[] {1, 7, 100, 5000}) {
            Link split = new Link(chunk, chunk);
            exchange(split);
            assertEquals(whole.serverEvents, split.serverEvents, "server events, chunks of up to " + chunk);
            assertEquals(whole.clientEvents, split.clientEvents, "client events, chunks of up to " + chunk);
        }
    }

    @Test
    void aScriptedCaptureFedByteByByteEqualsItFedWhole() {
        FrameFactory peer = new FrameFactory();
        byte[] capture = FrameFactory.concat(
                peer.clientPreface(),
                peer.settings(SettingId.INITIAL_WINDOW_SIZE, 100_000, SettingId.MAX_FRAME_SIZE, 20_000),
                peer.settingsAck(),
                peer.headers(1, REQUEST, true),
                peer.headers(3, POST, false, new PriorityFields(1, true, 200)),
                peer.data(3, new byte[1000], false, 17),
                peer.windowUpdate(0, 1000),
                peer.windowUpdate(3, 1000),
                peer.ping(5),
                peer.priority(7, 3, 9, false),
                peer.headersSplit(7, FrameFactory.with(REQUEST, "x-long", "~".repeat(100)), false, 40),
                peer.data(3, new byte[10], true),
                peer.rstStream(7, ErrorCode.CANCEL.code()),
                peer.unknown(0x42, 0xff, 0, new byte[] {1, 2, 3}),
                peer.priorityUpdate(9, "u=1"),
                peer.headers(9, FrameFactory.with(REQUEST, "te", "trailers"), true),
                peer.headers(11, FrameFactory.with(REQUEST, "Bad", "1"), true),
                peer.pingAck(9),
                peer.goAway(0, 0, "done"));
        H2Connection whole = new H2Connection(H2Configuration.server());
        whole.initiateConnection();
        List<Event> wholeEvents = whole.receiveData(ByteBuffer.wrap(capture));
        byte[] wholeOutput = whole.dataToSend();

        H2Connection drip = new H2Connection(H2Configuration.server());
        drip.initiateConnection();
        List<Event> dripEvents = new ArrayList<>();
        for (byte b : capture) {
            dripEvents.addAll(drip.receiveData(ByteBuffer.wrap(new byte[] {b})));
        }
        assertTrue(wholeEvents.size() >= 18, wholeEvents.toString());
        assertFalse(whole.isTerminated(), wholeEvents.toString());
        assertEquals(wholeEvents, dripEvents);
        assertEquals(ByteBuffer.wrap(wholeOutput), ByteBuffer.wrap(drip.dataToSend()));
    }
}
