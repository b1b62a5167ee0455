package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.headers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.SettingId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Two engines doing random but legal things to each other, their bytes cut at random: neither ever finds a protocol
 * error in the other, and once both stop, every stream has finished on both sides. This pins the send side (frames,
 * windows, HPACK order, queued mode) against the receive side.
 */
class TwoEnginesPropertyTest {

    @Property(tries = 150)
    void legalPeersNeverFailEachOther(@ForAll @Size(min = 1, max = 30) List<@IntRange(min = 0, max = 9) Integer> ops,
            @ForAll long seed) {
        Random random = new Random(seed);
        H2Connection client = new H2Connection(H2Configuration.client());
        H2Connection server = new H2Connection(H2Configuration.builder(false).rfc7540Priorities(random.nextBoolean())
                .build());
        client.initiateConnection();
        server.initiateConnection();
        List<Event> clientEvents = new ArrayList<>();
        List<Event> serverEvents = new ArrayList<>();
        for (int op : ops) {
            clientAction(client, op, random);
            pump(client, server, clientEvents, serverEvents, random, random.nextInt(3));
        }
        pump(client, server, clientEvents, serverEvents, random, 1000);
        client.closeConnection();
        pump(client, server, clientEvents, serverEvents, random, 1000);
        for (Event e : clientEvents) {
            assertFalse(e instanceof Event.ConnectionTerminated, "client: " + e);
        }
        for (Event e : serverEvents) {
            assertFalse(e instanceof Event.ConnectionTerminated t && !t.remote(), "server: " + e);
        }
        assertEquals(0, client.liveStreams(), () -> "client " + states(client));
        assertEquals(0, server.liveStreams(), () -> "server " + states(server));
    }

    private static String states(H2Connection c) {
        StringBuilder sb = new StringBuilder();
        for (int id = 1; id <= Math.max(c.highestOutboundStreamId(), c.highestInboundStreamId()); id++) {
            if (c.streamState(id) != StreamState.CLOSED && c.streamState(id) != StreamState.IDLE) {
                sb.append(id).append('=').append(c.streamState(id)).append(" queued ").append(c.queuedData(id))
                        .append(" window ").append(c.localFlowControlWindow(id)).append("; ");
            }
        }
        return sb.append("connection window ").append(c.outboundFlowControlWindow()).toString();
    }

    private static void clientAction(H2Connection c, int op, Random r) {
        try {
            switch (op) {
                case 0 -> c.sendHeaders(c.nextAvailableStreamId(), REQUEST, true);
                case 1 -> {
                    int id = c.nextAvailableStreamId();
                    c.sendHeaders(id, FrameFactory.with(POST, "priority", "u=" + r.nextInt(8)), false);
                    c.queueData(id, ByteBuffer.allocate(r.nextInt(100_000)), true);
                }
                case 2 -> {
                    int id = 1 + 2 * r.nextInt(Math.max(1, c.highestOutboundStreamId() / 2 + 1));
                    if (c.streamState(id) != StreamState.CLOSED && c.streamState(id) != StreamState.IDLE) {
                        c.resetStream(id, ErrorCode.CANCEL.code());
                    }
                }
                case 3 -> c.ping(r.nextLong());
                case 4 -> c.updateSettings(FrameFactory.settingsOf(SettingId.INITIAL_WINDOW_SIZE,
                        1 + r.nextInt(200_000)));
                case 5 -> c.updatePriority(1 + 2 * r.nextInt(5), "u=" + r.nextInt(8) + (r.nextBoolean() ? ", i" : ""));
                case 6 -> {
                    int id = c.nextAvailableStreamId();
                    c.sendHeaders(id, POST, false);
                    int n = Math.min(c.localFlowControlWindow(id), Math.min(c.maxOutboundFrameSize(), r.nextInt(20_000)));
                    c.sendData(id, ByteBuffer.allocate(Math.max(n, 0)), true, 0);
                }
                case 7 -> c.sendHeaders(c.nextAvailableStreamId(), FrameFactory.with(REQUEST, "cookie", "a=1",
                        "cookie", "b=" + r.nextInt()), true);
                case 8 -> c.prioritize(1 + 2 * r.nextInt(6), 1 + r.nextInt(256), 2 * r.nextInt(3) + 1, r.nextBoolean());
                default -> {
                    int id = c.nextAvailableStreamId();
                    c.sendHeaders(id, POST, false);
                    c.queueData(id, ByteBuffer.allocate(r.nextInt(30_000)), false);
                    c.sendHeaders(id, headers("grpc-status", "0"), true);
                }
            }
        } catch (TooManyStreamsError | OutboundBufferFullError busy) {
            // a legal refusal: the peer's limit, or our buffer, is full right now
        } catch (ProtocolError selfDependency) {
            // prioritize() picked a stream depending on itself: refused locally, nothing sent
        }
    }

    /** Moves bytes both ways until quiet (or {@code rounds} exchanges), reacting to events like an application. */
    private static void pump(H2Connection client, H2Connection server, List<Event> clientEvents,
            List<Event> serverEvents, Random r, int rounds) {
        for (int i = 0; i < rounds; i++) {
            boolean moved = move(client, server, serverEvents, r, false) | move(server, client, clientEvents, r, true);
            if (!moved) {
                return;
            }
        }
    }

    private static boolean move(H2Connection from, H2Connection to, List<Event> sink, Random r, boolean toClient) {
        byte[] bytes = from.dataToSend();
        sink.addAll(from.pendingEvents());
        if (bytes.length == 0) {
            return false;
        }
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, 1 + r.nextInt(3000));
            List<Event> events = to.receiveData(ByteBuffer.wrap(bytes, at, n).slice());
            at += n;
            sink.addAll(events);
            for (Event e : events) {
                react(to, e, r, toClient);
            }
        }
        return true;
    }

    private static void react(H2Connection conn, Event e, Random r, boolean client) {
        try {
            if (e instanceof Event.DataReceived d) {
                conn.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
            } else if (!client && e instanceof Event.RequestReceived req) {
                int id = req.streamId();
                if (r.nextInt(10) == 0) {
                    conn.resetStream(id, ErrorCode.REFUSED_STREAM.code());
                    return;
                }
                if (r.nextBoolean()) {
                    conn.sendHeaders(id, headers(":status", "103"), false);
                }
                if (r.nextInt(4) == 0 && conn.remoteSettings().enablePush()) {
                    int promised = conn.nextAvailableStreamId();
                    conn.pushStream(id, promised, FrameFactory.headers(":method", "GET", ":scheme", "https",
                            ":authority", "example.com", ":path", "/pushed"));
                    conn.sendHeaders(promised, RESPONSE, false);
                    conn.queueData(promised, ByteBuffer.allocate(r.nextInt(20_000)), true);
                }
                conn.sendHeaders(id, RESPONSE, false);
                conn.queueData(id, ByteBuffer.allocate(r.nextInt(50_000)), false);
                conn.sendHeaders(id, headers("x-done", "1"), true);
            }
        } catch (StreamClosedError raced) {
            // the client reset the stream while its request was in flight
        }
    }
}
