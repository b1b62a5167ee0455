package io.h2relay.engine;

import static io.h2relay.engine.FrameFactory.REQUEST;
import static io.h2relay.engine.FrameFactory.RESPONSE;
import static io.h2relay.engine.FrameFactory.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.ErrorCode;
import io.h2relay.frame.FrameType;
import io.h2relay.hpack.Header;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Header blocks across frames, and the frame-size limits (ENGINE_PARITY rows 45-50). */
class HeaderBlocksTest {

    private static List<Header> bigHeaders(int fields, int valueLength) {
        List<Header> list = new ArrayList<>(RESPONSE);
        for (int i = 0; i < fields; i++) {
            // '~' has a 13-bit Huffman code, so the encoder sends it raw: the block is as long as it looks.
            list.add(Header.of("x-field-" + i, "~".repeat(valueLength)));
        }
        return list;
    }

    @Test
    void aLargeOutboundBlockIsSplitAtThePeersMaxFrameSize() {
        Harness h = Harness.serverWithRequest(true);
        h.conn.sendHeaders(1, bigHeaders(10, 4000), true);
        List<Wire.Frame> out = h.output();
        Wire.assertTypes(out, FrameType.HEADERS, FrameType.CONTINUATION, FrameType.CONTINUATION);
        assertTrue(out.get(0).endStream());
        assertFalse(out.get(0).endHeaders());
        assertFalse(out.get(1).endHeaders());
        assertTrue(out.get(2).endHeaders());
        assertEquals(11, out.get(0).headers().size());
    }

    @Test
    void inboundContinuationsAreJoined() {
        Harness h = Harness.server();
        byte[] frames = h.peer.headersSplit(1, with(REQUEST, "x-long", "~".repeat(300)), true, 50);
        List<Event> events = h.feed(frames);
        Event.RequestReceived r = assertInstanceOf(Event.RequestReceived.class, events.get(0));
        assertEquals("~".repeat(300), r.headers().get(4).value());
        long continuations = new Wire().read(frames).stream().filter(f -> f.type() == FrameType.CONTINUATION).count();
        assertTrue(continuations >= 6, "only " + continuations);
        assertEquals(continuations, h.conn.abuseCounters().continuationFrames());
    }

    @Test
    void aFrameInsideAHeaderBlockIsAConnectionError() {
        Harness h = Harness.server();
        ByteBuffer block = h.peer.block(REQUEST);
        ByteBuffer first = block.slice(0, 5);
        ByteBuffer rest = block.slice(5, block.remaining() - 5);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.rawHeaders(1, 0x1, first), h.peer.ping(1), h.peer.continuation(1, rest, true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
        assertTrue(t.additionalData().contains("inside the header block"), t.additionalData());
    }

    @Test
    void aContinuationOnAnotherStreamIsAConnectionError() {
        Harness h = Harness.server();
        ByteBuffer block = h.peer.block(REQUEST);
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.rawHeaders(1, 0x1, block.slice(0, 5)),
                        h.peer.continuation(3, block.slice(5, block.remaining() - 5), true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void aNakedContinuationIsAConnectionError() {
        Harness h = Harness.server();
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.continuation(1, h.peer.block(REQUEST), true)));
        assertEquals(ErrorCode.PROTOCOL_ERROR.code(), t.errorCode());
    }

    @Test
    void tooManyContinuationsAreEnhanceYourCalm() {
        Harness h = Harness.server();
        ByteBuffer block = h.peer.block(with(REQUEST, "x", "y".repeat(100)));
        List<byte[]> frames = new ArrayList<>();
        frames.add(h.peer.rawHeaders(1, 0x1, block.slice(0, 1)));
        for (int i = 1; i <= 9; i++) {
            frames.add(h.peer.continuation(1, block.slice(i, 1), false));
        }
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(frames.toArray(byte[][]::new)));
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), t.errorCode());
        assertTrue(t.additionalData().contains("CONTINUATION flood"), t.additionalData());
        assertTrue(h.conn.abuseCounters().trippedLimit().contains("CONTINUATION"));
    }

    @Test
    void aBlockOverTheByteCapIsRefusedBeforeDecoding() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxHeaderBlockBytes(1000).maxContinuationFrames(100).build()).build());
        List<Header> request = with(REQUEST, "x", "y".repeat(3000));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.headersSplit(1, request, true, 600)));
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), t.errorCode());
        assertTrue(t.additionalData().contains("before decompression"), t.additionalData());
    }

    @Test
    void aFrameOverOurMaxFrameSizeIsAFrameSizeError() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, FrameFactory.POST, false));
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(h.peer.data(1, new byte[16385], false)));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR.code(), t.errorCode());
    }

    @Test
    void anOversizedFrameIsRejectedOnItsHeaderAlone() {
        Harness h = Harness.server();
        h.feed(h.peer.headers(1, FrameFactory.POST, false));
        byte[] header = {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0, 0x0, 0x0, 0x0, 0x0, 0x1};
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class, h.feed(header));
        assertEquals(ErrorCode.FRAME_SIZE_ERROR.code(), t.errorCode());
        assertEquals(List.of(), h.feed(new byte[100_000]));
    }

    @Test
    void emptyContinuationsCount() {
        Harness h = Harness.server(H2Configuration.builder(false)
                .limits(AbuseLimits.builder().maxConsecutiveEmptyFrames(100).build()).build());
        ByteBuffer block = h.peer.block(REQUEST);
        List<byte[]> frames = new ArrayList<>();
        frames.add(h.peer.rawHeaders(1, 0x1, block));
        for (int i = 0; i < 9; i++) {
            frames.add(h.peer.continuation(1, ByteBuffer.allocate(0), false));
        }
        Event.ConnectionTerminated t = Harness.only(Event.ConnectionTerminated.class,
                h.feed(frames.toArray(byte[][]::new)));
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), t.errorCode());
    }

    @Test
    void pushPromisesAreJoinedAcrossContinuationsToo() {
        Harness h = Harness.clientWithRequest(true);
        h.feed(h.peer.headers(1, RESPONSE, false));
        ByteBuffer block = h.peer.block(with(REQUEST, "x", "1"));
        ByteBuffer promise = ByteBuffer.allocate(4 + 3).putInt(2).put(block.slice(0, 3)).flip();
        List<Event> events = h.feed(h.peer.unknown(FrameType.PUSH_PROMISE, 0, 1, bytes(promise)),
                h.peer.continuation(1, block.slice(3, block.remaining() - 3), true));
        Event.PushedStreamReceived p = assertInstanceOf(Event.PushedStreamReceived.class, events.get(0));
        assertEquals(2, p.pushedStreamId());
        assertEquals(1, p.parentStreamId());
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }
}
