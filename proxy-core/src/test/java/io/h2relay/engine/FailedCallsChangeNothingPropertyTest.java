package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.PriorityFields;
import io.h2relay.frame.SettingId;
import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * "A failed call changes no state" (issue 3; ENGINE_PARITY row 23, §8 D10), over random sequences of API calls
 * interleaved with a scripted peer. Two engines get the same peer bytes; every local call goes to the first, and
 * only the calls that succeed go to the second too. A call that throws must leave every observable of the first
 * engine as it was, and may throw nothing but the documented exceptions; and since the twins then differ only by the
 * failed calls, their output bytes must stay identical to the end, which also shows the HPACK encoder never advanced
 * for a block that did not go out.
 */
class FailedCallsChangeNothingPropertyTest {

    @Property(tries = 500)
    void aServerIsUnchangedByEveryCallThatFails(
            @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 99) Integer> ops, @ForAll long seed) {
        run(false, ops, seed);
    }

    @Property(tries = 500)
    void aClientIsUnchangedByEveryCallThatFails(
            @ForAll @Size(max = 80) List<@IntRange(min = 0, max = 99) Integer> ops, @ForAll long seed) {
        run(true, ops, seed);
    }

    private static final int[] SERVER_IDS = {1, 3, 5, 7, 2, 4};
    private static final int[] CLIENT_IDS = {1, 3, 5, 7, 9, 2};

    private static void run(boolean client, List<Integer> ops, long seed) {
        Random r = new Random(seed);
        H2Configuration config = H2Configuration.builder(client).rfc7540Priorities(r.nextBoolean())
                .maxConcurrentStreams(1 + r.nextInt(4)).initialWindowSize(r.nextBoolean() ? 65535 : 100)
                .limits(AbuseLimits.builder().maxOutboundBufferBytes(40_000).build()).build();
        H2Connection a = new H2Connection(config);
        H2Connection b = new H2Connection(config);
        FrameFactory peer = new FrameFactory();
        if (r.nextInt(20) != 0) { // now and then the sends before initiateConnection are tried too
            a.initiateConnection();
            b.initiateConnection();
            byte[] preface = client ? peer.settings(new io.h2relay.frame.Settings())
                    : FrameFactory.concat(peer.preface(), peer.settings(new io.h2relay.frame.Settings()));
            feed(a, b, preface);
        }
        int[] ids = client ? CLIENT_IDS : SERVER_IDS;
        for (int op : ops) {
            int id = pick(a, ids, r);
            if (op < 30) {
                feed(a, b, peerFrame(op, id, a, peer, r, client));
            } else if (op < 36) {
                drain(a, b, r.nextBoolean() ? -1 : r.nextInt(3000));
            } else {
                long callSeed = r.nextLong();
                Snapshot before = Snapshot.of(a, ids);
                try {
                    call(a, op, id, new Random(callSeed), client);
                } catch (H2Error | IllegalArgumentException refused) {
                    assertEquals(before, Snapshot.of(a, ids), () -> "op " + op + " on stream " + id
                            + " threw " + refused + " but changed the engine");
                    continue;
                }
                try {
                    call(b, op, id, new Random(callSeed), client);
                } catch (RuntimeException e) {
                    fail("the twin refused op " + op + " on stream " + id + " that succeeded: " + e);
                }
                assertEquals(Snapshot.of(a, ids), Snapshot.of(b, ids), "twins diverged after op " + op);
            }
        }
        drain(a, b, -1);
    }

    /** Mostly a live stream (so calls get past the first checks), sometimes any. */
    private static int pick(H2Connection c, int[] ids, Random r) {
        if (r.nextInt(4) != 0) {
            for (int tries = 0; tries < 8; tries++) {
                int id = ids[r.nextInt(ids.length)];
                StreamState s = c.streamState(id);
                if (s != StreamState.IDLE && s != StreamState.CLOSED) {
                    return id;
                }
            }
        }
        return ids[r.nextInt(ids.length)];
    }

    private static void feed(H2Connection a, H2Connection b, byte[] bytes) {
        List<Event> ea = a.receiveData(ByteBuffer.wrap(bytes));
        List<Event> eb = b.receiveData(ByteBuffer.wrap(bytes));
        assertEquals(ea, eb);
    }

    private static void drain(H2Connection a, H2Connection b, int max) {
        byte[] oa = max < 0 ? a.dataToSend() : a.dataToSend(max);
        byte[] ob = max < 0 ? b.dataToSend() : b.dataToSend(max);
        assertArrayEquals(oa, ob, "the twins wrote different bytes");
        assertEquals(a.pendingEvents(), b.pendingEvents());
    }

    /** What the peer sends (same bytes to both twins): mostly what a sane peer would, now and then not. */
    private static byte[] peerFrame(int op, int id, H2Connection a, FrameFactory f, Random r, boolean client) {
        StreamState state = a.streamState(id);
        boolean live = state != StreamState.IDLE && state != StreamState.CLOSED;
        int kind = op % 20 >= 15 ? 0 : op % 20; // HEADERS a third of the time: streams to work on
        boolean needsLive = kind == 3 || kind == 4 || kind == 5 || kind == 6 || (client && (kind <= 2 || kind == 12));
        if (needsLive && !live && r.nextInt(50) != 0) {
            return f.ping(r.nextLong()); // mostly keep the connection alive: the calls are what is under test
        }
        switch (kind) {
            case 0, 1, 2:
                if (client) {
                    return f.headers(id, r.nextBoolean() ? RESPONSE : headers(":status", "100"), r.nextBoolean());
                }
                if (live && (id & 1) == 1 && r.nextInt(4) == 0) {
                    return f.headers(id, headers("x-request-trailer", "1"), true);
                }
                int next = a.highestInboundStreamId() + (a.highestInboundStreamId() == 0 ? 1 : 2);
                return f.headers(next, r.nextBoolean() ? REQUEST : with(POST, "content-length", "3"),
                        r.nextBoolean());
            case 3, 4:
                return f.data(id, new byte[r.nextInt(r.nextBoolean() ? 4 : 16_384)], r.nextBoolean());
            case 5:
                return f.rstStream(id, ErrorCode.CANCEL.code());
            case 6:
                return f.windowUpdate(r.nextInt(3) == 0 || !live ? 0 : id,
                        1 + r.nextInt(r.nextInt(20) == 0 ? 1 << 30 : 100_000));
            case 7:
                return f.settings(SettingId.INITIAL_WINDOW_SIZE, r.nextInt(3) == 0 ? 0 : r.nextInt(200_000));
            case 8:
                return f.settings(SettingId.MAX_CONCURRENT_STREAMS, r.nextInt(4));
            case 9:
                return f.settings(SettingId.ENABLE_PUSH, client ? 0 : r.nextInt(2), SettingId.HEADER_TABLE_SIZE,
                        r.nextInt(2) * 4096, SettingId.MAX_FRAME_SIZE, 16384 + r.nextInt(2) * 10_000);
            case 10:
                return f.settingsAck();
            case 11:
                return f.ping(r.nextLong());
            case 12:
                return client ? f.pushPromise(id, a.highestInboundStreamId() + 2, REQUEST)
                        : f.priorityUpdate(id, "u=2");
            case 13:
                return r.nextInt(4) == 0 ? f.goAway(r.nextInt(8), 0, "") : f.ping(r.nextLong());
            default:
                return f.settings(SettingId.ENABLE_CONNECT_PROTOCOL, r.nextInt(2));
        }
    }

    /** One application call; the same seed makes the same call on either twin. */
    private static void call(H2Connection c, int op, int id, Random r, boolean client) {
        switch (op % 20) {
            case 0, 1, 2, 3, 4, 5 -> c.sendHeaders(client && r.nextBoolean() ? nextId(c) : id,
                    outboundBlock(r, client), r.nextInt(3) == 0,
                    client && r.nextInt(4) == 0 ? new PriorityFields(r.nextInt(4) * 2 + 1, r.nextBoolean(), 16)
                            : null);
            case 6, 7 -> c.sendData(id, ByteBuffer.allocate(r.nextInt(4) == 0 ? 70_000 : r.nextInt(5)),
                    r.nextBoolean(), r.nextInt(4) == 0 ? r.nextInt(300) : 0);
            case 8, 9 -> c.queueData(id, ByteBuffer.allocate(r.nextInt(30_000)), r.nextBoolean());
            case 10 -> c.endStream(id);
            case 11 -> c.resetStream(id, ErrorCode.CANCEL.code());
            case 12 -> c.pushStream(id, 2 + 2 * r.nextInt(4), r.nextBoolean() ? REQUEST
                    : with(REQUEST, "bad\r", "1"));
            case 13 -> {
                if (r.nextBoolean()) {
                    c.ping(r.nextLong());
                } else {
                    c.updateSettings(FrameFactory.settingsOf(r.nextBoolean() ? SettingId.INITIAL_WINDOW_SIZE
                            : SettingId.ENABLE_PUSH, r.nextInt(3) == 0 ? 7 : r.nextInt(2)));
                }
            }
            case 14 -> c.incrementFlowControlWindow(r.nextInt(3) == 0 ? Integer.MAX_VALUE : 1 + r.nextInt(1000),
                    r.nextBoolean() ? 0 : id);
            case 15 -> c.acknowledgeReceivedData(r.nextInt(20_000), id);
            case 16 -> {
                if (r.nextBoolean()) {
                    c.prioritize(id, 1 + r.nextInt(256), r.nextBoolean() ? id : r.nextInt(8), r.nextBoolean());
                } else {
                    c.updatePriority(id, r.nextBoolean() ? "u=1, i" : "u=9");
                }
            }
            case 17 -> c.advertiseAlternativeService("h2=\":443\"", r.nextBoolean() ? "https://example.com" : null,
                    r.nextBoolean() ? 0 : id);
            case 18 -> {
                if (r.nextInt(4) == 0) {
                    c.closeConnection(r.nextInt(3) == 0 ? ErrorCode.PROTOCOL_ERROR.code() : 0, "bye",
                            r.nextInt(10) - 1);
                } else {
                    c.advertiseOrigins(List.of("https://example.com"));
                }
            }
            default -> c.nextAvailableStreamId();
        }
    }

    private static int nextId(H2Connection c) {
        try {
            return c.nextAvailableStreamId();
        } catch (NoAvailableStreamIdError e) {
            return 1;
        }
    }

    private static List<Header> outboundBlock(Random r, boolean client) {
        return switch (r.nextInt(10)) {
            case 0 -> with(client ? REQUEST : RESPONSE, "X-Upper", "1"); // normalized to lowercase
            case 1 -> with(client ? REQUEST : RESPONSE, "x-bad", "a\r\nb");
            case 2 -> with(client ? POST : RESPONSE, "content-length", "3");
            case 3, 4, 5 -> headers("x-trailer", "t" + r.nextInt(3)); // trailers, or a message without pseudo-headers
            case 6 -> client ? headers(":method", "CONNECT", ":protocol", "websocket", ":scheme", "https",
                    ":path", "/", ":authority", "example.com") : headers(":status", "103", "x-early", "1");
            case 7 -> headers(":path", "/in-trailers");
            default -> with(client ? REQUEST : RESPONSE, "x-common", "v" + r.nextInt(3));
        };
    }

    /**
     * Everything the public API shows about an engine, plus what it keeps inside that a later call would depend on:
     * each stream's message bookkeeping and the HPACK encoder's table size (a diverging table shows in later output
     * bytes only if a later block happens to use it).
     */
    record Snapshot(List<Object> values) {

        static Snapshot of(H2Connection c, int[] ids) {
            List<Object> v = new ArrayList<>();
            v.add(c.state());
            v.add(c.isTerminated());
            v.add(c.goAwaySent());
            v.add(c.goAwayReceived());
            v.add(c.liveStreams());
            v.add(c.openInboundStreams());
            v.add(c.openOutboundStreams());
            v.add(c.highestInboundStreamId());
            v.add(c.highestOutboundStreamId());
            v.add(c.outboundBufferedBytes());
            v.add(c.outboundPaused());
            v.add(c.hasDataToSend());
            v.add(c.inboundFlowControlWindow());
            v.add(c.outboundFlowControlWindow());
            v.add(c.localSettings().pendingFrames());
            v.add(c.localSettings().values());
            v.add(c.remoteSettings().values());
            v.add(c.abuseCounters());
            v.add(c.encoder.dynamicTableSize());
            v.add(c.pingsOutstanding);
            v.add(c.goAwaySentLastStreamId);
            try {
                v.add(c.nextAvailableStreamId());
            } catch (NoAvailableStreamIdError e) {
                v.add("exhausted");
            }
            for (int id : ids) {
                v.add(c.streamState(id));
                v.add(c.queuedData(id));
                if (c.streamState(id) != StreamState.IDLE && c.streamState(id) != StreamState.CLOSED) {
                    v.add(c.localFlowControlWindow(id));
                    v.add(c.remoteFlowControlWindow(id));
                    H2Stream st = c.streams.get(id);
                    v.add(List.of(st.finalHeadersSent, st.finalHeadersReceived, String.valueOf(st.method),
                            st.sendExpectedLength, st.sendCommittedLength, st.expectedLength, st.receivedLength,
                            st.scheduled, st.blocked, st.queue == null ? "none" : st.queue.endStream + " "
                                    + (st.queue.trailers != null)));
                }
            }
            return new Snapshot(v);
        }
    }
}
