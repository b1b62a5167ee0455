package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.POST;
import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * Random frame sequences, valid and not, fed in random pieces to a server and a client engine: nothing but the
 * documented outcomes ever happens (no exception escapes {@code receiveData}, no INTERNAL_ERROR, i.e. no defect of
 * ours), and every buffer stays within its bound.
 */
class EnginePropertiesTest {

    private static final int KINDS = 22;

    @Property(tries = 300)
    void aServerSurvivesAnyFrameSequence(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = KINDS - 1) Integer> ops,
            @ForAll long seed, @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 200) Integer> cuts) {
        run(false, ops, seed, cuts);
    }

    @Property(tries = 300)
    void aClientSurvivesAnyFrameSequence(@ForAll @Size(max = 40) List<@IntRange(min = 0, max = KINDS - 1) Integer> ops,
            @ForAll long seed, @ForAll @Size(max = 12) List<@IntRange(min = 1, max = 200) Integer> cuts) {
        run(true, ops, seed, cuts);
    }

    private static void run(boolean client, List<Integer> ops, long seed, List<Integer> cuts) {
        Random random = new Random(seed);
        H2Connection conn = new H2Connection(client ? H2Configuration.client() : H2Configuration.server());
        conn.initiateConnection();
        conn.dataToSend();
        if (client) {
            conn.sendHeaders(1, REQUEST, false);
            conn.sendHeaders(3, POST, true);
        }
        FrameFactory peer = new FrameFactory();
        List<byte[]> frames = new ArrayList<>();
        if (!client) {
            frames.add(peer.preface());
        }
        frames.add(peer.settings(new io.h2relay.frame.Settings()));
        for (int op : ops) {
            frames.add(frame(op, peer, random, client));
        }
        byte[] all = FrameFactory.concat(frames.toArray(byte[][]::new));
        int at = 0;
        int cut = 0;
        while (at < all.length) {
            int n = cut < cuts.size() ? Math.min(cuts.get(cut++), all.length - at) : all.length - at;
            List<Event> events = conn.receiveData(ByteBuffer.wrap(all, at, n).slice());
            at += n;
            for (Event e : events) {
                if (e instanceof Event.ConnectionTerminated t && !t.remote()) {
                    assertTrue(t.errorCode() != ErrorCode.INTERNAL_ERROR.code(), t.toString());
                }
                react(conn, e);
            }
            checkBounds(conn);
            if (random.nextInt(4) == 0) {
                conn.dataToSend(random.nextInt(1000));
            }
        }
        conn.dataToSend();
        assertEquals(0, conn.outboundBufferedBytes());
    }

    /** What an application does with events; it may lose races, but only with documented errors. */
    private static void react(H2Connection conn, Event e) {
        try {
            if (e instanceof Event.RequestReceived r) {
                conn.sendHeaders(r.streamId(), RESPONSE, false);
                conn.queueData(r.streamId(), ByteBuffer.allocate(3000), true);
            } else if (e instanceof Event.DataReceived d) {
                conn.acknowledgeReceivedData(d.flowControlledLength(), d.streamId());
            }
        } catch (H2Error expected) {
            // e.g. the stream was reset in the same batch, or the connection failed
        }
    }

    private static void checkBounds(H2Connection conn) {
        assertTrue(conn.reader.bufferedBytes() <= 9 + conn.maxInboundFrameSize());
        assertTrue(conn.assembler.length() <= conn.config.limits().maxHeaderBlockBytes());
        int controlAllowance = (conn.config.limits().maxQueuedControlFrames() + 1) * 17 + 1024;
        assertTrue(conn.outboundBufferedBytes() <= conn.config.limits().maxOutboundBufferBytes() + 16384 + 9
                + controlAllowance, "buffered " + conn.outboundBufferedBytes());
        assertTrue(conn.liveStreams() <= 2 * 100 + 2);
    }

    private static byte[] frame(int op, FrameFactory f, Random r, boolean client) {
        int stream = 1 + 2 * r.nextInt(4) + (client && r.nextBoolean() ? 1 : 0);
        switch (op) {
            case 0:
                return f.headers(stream, client ? RESPONSE : REQUEST, r.nextBoolean());
            case 1:
                return f.headers(stream, with(client ? RESPONSE : REQUEST, "content-length", "3"), r.nextBoolean());
            case 2:
                return f.headers(stream, with(REQUEST, "Upper", "x"), r.nextBoolean());
            case 3:
                return f.data(stream, new byte[r.nextInt(3000)], r.nextBoolean(), r.nextInt(3) == 0 ? r.nextInt(256) : 0);
            case 4:
                return f.rstStream(stream, r.nextInt(16));
            case 5:
                return f.settings(SettingId.INITIAL_WINDOW_SIZE, r.nextInt(3) == 0 ? 0x80000000 : r.nextInt(100_000));
            case 6:
                return f.settings(SettingId.MAX_FRAME_SIZE, r.nextInt(1 << 25));
            case 7:
                return f.settingsAck();
            case 8:
                return f.ping(r.nextLong());
            case 9:
                return f.windowUpdate(r.nextInt(3) == 0 ? 0 : stream, r.nextInt(4) == 0 ? 0 : 1 + r.nextInt(Integer.MAX_VALUE - 1));
            case 10:
                return f.priority(stream, r.nextInt(5) == 0 ? stream : r.nextInt(10), 1 + r.nextInt(256), r.nextBoolean());
            case 11:
                return f.pushPromise(stream, 2 + 2 * r.nextInt(4), REQUEST);
            case 12: {
                ByteBuffer block = f.block(with(REQUEST, "x", "~".repeat(r.nextInt(100))));
                int split = r.nextInt(block.remaining() + 1);
                return FrameFactory.concat(f.rawHeaders(stream, r.nextBoolean() ? 1 : 0, block.slice(0, split)),
                        f.continuation(stream, block.slice(split, block.remaining() - split), r.nextBoolean()));
            }
            case 13:
                return f.continuation(stream, ByteBuffer.wrap(new byte[r.nextInt(10)]), r.nextBoolean());
            case 14:
                return f.goAway(r.nextInt(10), r.nextInt(16), "x");
            case 15:
                return f.unknown(0x20 + r.nextInt(100), r.nextInt(256), r.nextInt(10), new byte[r.nextInt(20)]);
            case 16: {
                byte[] garbage = new byte[r.nextInt(30)];
                r.nextBytes(garbage);
                return garbage;
            }
            case 17:
                return f.rawHeaders(stream, 0x5, ByteBuffer.wrap(new byte[] {(byte) r.nextInt(256), (byte) r.nextInt(256)}));
            case 18:
                return f.altSvc(r.nextBoolean() ? 0 : stream, r.nextBoolean() ? "" : "o", "h2=\":1\"");
            case 19:
                return f.priorityUpdate(stream, "u=" + r.nextInt(9));
            case 20:
                return f.unknown(r.nextInt(10), r.nextInt(256), r.nextInt(10), new byte[r.nextInt(12)]);
            default:
                return f.headers(stream, with(client ? RESPONSE : REQUEST, "cookie", "a=" + r.nextInt()), true);
        }
    }
}
