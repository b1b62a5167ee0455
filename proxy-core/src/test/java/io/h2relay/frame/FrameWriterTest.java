package io.h2relay.frame;

import static io.h2relay.frame.Recorder.bytes;
import static io.h2relay.frame.Recorder.decodeWhole;
import static io.h2relay.frame.Recorder.frame;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.h2relay.frame.Recorder.Continuation;
import io.h2relay.frame.Recorder.Data;
import io.h2relay.frame.Recorder.Event;
import io.h2relay.frame.Recorder.Headers;
import io.h2relay.frame.Recorder.PushPromise;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameWriterTest {

    private static byte[] all(FrameWriter w) {
        return w.take(Integer.MAX_VALUE);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static ByteBuffer filled(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return ByteBuffer.wrap(b);
    }

    private static String hexOf(ByteBuffer b, int from, int to) {
        byte[] out = new byte[to - from];
        b.get(b.position() + from, out);
        return hex(out);
    }

    @Test
    void headerBlockIsSplitIntoContinuationsAtTheMaxFrameSize() {
        // ENGINE_PARITY row 45: a 40 KiB block at 16384 is HEADERS + 2 CONTINUATION.
        ByteBuffer block = filled(40 * 1024);
        FrameWriter w = new FrameWriter();
        w.headers(1, block, true, null, 0, 16384);
        List<Event> events = decodeWhole(all(w));
        assertEquals(List.of(new Headers(1, true, false, null, hexOf(block, 0, 16384)),
                new Continuation(1, false, hexOf(block, 16384, 32768)),
                new Continuation(1, true, hexOf(block, 32768, 40960))), events);
        assertEquals(0, block.position(), "the block's position moved");
    }

    @Test
    void priorityAndPaddingTakeRoomInTheHeadersFrameOnly() {
        ByteBuffer block = filled(100);
        FrameWriter w = new FrameWriter();
        w.headers(3, block, false, new PriorityFields(1, true, 42), 4, 50);
        byte[] wire = all(w);
        // HEADERS: 1 pad length + 5 priority + 40 fragment + 4 padding = 50; then 50 + 10 in CONTINUATION.
        assertEquals(hex(frame(FrameType.HEADERS, Flags.PADDED | Flags.PRIORITY, 3,
                "04 80000001 29" + hexOf(block, 0, 40) + "00000000")), hex(java.util.Arrays.copyOf(wire, 59)));
        assertEquals(List.of(new Headers(3, false, false, new PriorityFields(1, true, 42), hexOf(block, 0, 40)),
                new Continuation(3, false, hexOf(block, 40, 90)), new Continuation(3, true, hexOf(block, 90, 100))),
                decodeWhole(wire));
    }

    @Test
    void emptyBlockIsOneHeadersFrameWithEndHeaders() {
        FrameWriter w = new FrameWriter();
        w.headers(5, ByteBuffer.allocate(0), true, null, 0, 16384);
        assertEquals(hex(frame(FrameType.HEADERS, Flags.END_STREAM | Flags.END_HEADERS, 5, "")), hex(all(w)));
    }

    @Test
    void blockOfExactlyOneFrameNeedsNoContinuation() {
        FrameWriter w = new FrameWriter();
        w.headers(5, filled(16384), false, null, 0, 16384);
        assertEquals(1, decodeWhole(all(w)).size());
    }

    @Test
    void pushPromiseIsSplitLikeHeadersWithThePromisedIdInTheFirstFrame() {
        ByteBuffer block = filled(30);
        FrameWriter w = new FrameWriter();
        w.pushPromise(1, 2, block, 20);
        assertEquals(List.of(new PushPromise(1, 2, false, hexOf(block, 0, 16)),
                new Continuation(1, true, hexOf(block, 16, 30))), decodeWhole(all(w)));
        w.pushPromise(1, 4, block, 3, 16384);
        assertEquals(hex(frame(FrameType.PUSH_PROMISE, Flags.PADDED | Flags.END_HEADERS, 1,
                "03 00000004" + hexOf(block, 0, 30) + "000000")), hex(all(w)));
    }

    @Test
    void paddedDataIsZeroFilledAndCountsTowardsTheFlowControlledLength() {
        // ENGINE_PARITY row 3: three octets with pad 10 occupy 14 octets of window.
        FrameWriter w = new FrameWriter();
        w.data(1, ByteBuffer.wrap("abc".getBytes(StandardCharsets.US_ASCII)), false, 10);
        byte[] wire = all(w);
        assertEquals(hex(frame(FrameType.DATA, Flags.PADDED, 1, "0a 616263 00000000000000000000")), hex(wire));
        assertEquals(List.of(new Data(1, false, "616263", 14)), decodeWhole(wire));
    }

    @Test
    void givenPaddingOctetsAreWrittenAsTheyAre() {
        FrameWriter w = new FrameWriter();
        w.data(2, ByteBuffer.wrap(bytes("aa")), true, ByteBuffer.wrap(bytes("4869")));
        w.data(2, ByteBuffer.wrap(bytes("bb")), false, ByteBuffer.allocate(0));
        w.data(2, ByteBuffer.wrap(bytes("cc")), false, (ByteBuffer) null);
        assertEquals(hex(frame(FrameType.DATA, Flags.PADDED | Flags.END_STREAM, 2, "02 aa 4869"))
                + hex(frame(FrameType.DATA, Flags.PADDED, 2, "00 bb")) + hex(frame(FrameType.DATA, 0, 2, "cc")),
                hex(all(w)));
    }

    @Test
    void controlFramesHaveTheirRfcLayout() {
        FrameWriter w = new FrameWriter();
        w.priority(3, new PriorityFields(0, false, 16));
        w.rstStream(3, 0xdeadbeef);
        w.settings(new Settings().put(SettingId.INITIAL_WINDOW_SIZE, 0x7fffffffL).put(0xabcd, 0xffffffffL));
        w.settingsAck();
        w.ping(true, 0x0102030405060708L);
        w.goAway(7, ErrorCode.NO_ERROR.code(), ByteBuffer.wrap(bytes("6279")));
        w.goAway(9, ErrorCode.CANCEL.code(), null);
        w.windowUpdate(0, Integer.MAX_VALUE);
        w.altSvc(0, "a.b", "h2");
        w.altSvc(1, "", "h3");
        w.origin(List.of("a.b", "c"));
        w.priorityUpdate(1, "u=0");
        w.raw(ByteBuffer.wrap("PRI".getBytes(StandardCharsets.US_ASCII)));
        String expected = hex(frame(FrameType.PRIORITY, 0, 3, "00000000 0f"))
                + hex(frame(FrameType.RST_STREAM, 0, 3, "deadbeef"))
                + hex(frame(FrameType.SETTINGS, 0, 0, "0004 7fffffff abcd ffffffff"))
                + hex(frame(FrameType.SETTINGS, Flags.ACK, 0, ""))
                + hex(frame(FrameType.PING, Flags.ACK, 0, "0102030405060708"))
                + hex(frame(FrameType.GOAWAY, 0, 0, "00000007 00000000 6279"))
                + hex(frame(FrameType.GOAWAY, 0, 0, "00000009 00000008"))
                + hex(frame(FrameType.WINDOW_UPDATE, 0, 0, "7fffffff"))
                + hex(frame(FrameType.ALTSVC, 0, 0, "0003 612e62 6832"))
                + hex(frame(FrameType.ALTSVC, 0, 1, "0000 6833"))
                + hex(frame(FrameType.ORIGIN, 0, 0, "0003 612e62 0001 63"))
                + hex(frame(FrameType.PRIORITY_UPDATE, 0, 0, "00000001 753d30"))
                + "505249";
        assertEquals(expected, hex(all(w)));
    }

    @Test
    void everyFrameTypeRoundTripsThroughTheReader() {
        FrameWriter w = new FrameWriter(16);
        List<Event> expected = new ArrayList<>();
        expected.add(new Data(1, true, "0102", 2));
        w.data(1, ByteBuffer.wrap(bytes("0102")), true, 0);
        expected.add(new Headers(3, false, true, new PriorityFields(1, false, 256), "8286"));
        w.headers(3, ByteBuffer.wrap(bytes("8286")), false, new PriorityFields(1, false, 256), 7, 16384);
        expected.add(new Recorder.Priority(5, new PriorityFields(3, true, 1)));
        w.priority(5, new PriorityFields(3, true, 1));
        expected.add(new Recorder.RstStream(5, 8));
        w.rstStream(5, 8);
        Settings settings = new Settings().put(SettingId.ENABLE_PUSH, 0).put(SettingId.MAX_FRAME_SIZE, 1 << 20);
        expected.add(new Recorder.SettingsFrame(false, settings));
        w.settings(settings);
        expected.add(new Recorder.SettingsFrame(true, new Settings()));
        w.settingsAck();
        expected.add(new PushPromise(3, 6, true, "88"));
        w.pushPromise(3, 6, ByteBuffer.wrap(bytes("88")), 16384);
        expected.add(new Recorder.Ping(false, Long.MIN_VALUE));
        w.ping(false, Long.MIN_VALUE);
        expected.add(new Recorder.GoAway(3, 0x1234, "00ff"));
        w.goAway(3, 0x1234, ByteBuffer.wrap(bytes("00ff")));
        expected.add(new Recorder.WindowUpdate(3, 1));
        w.windowUpdate(3, 1);
        expected.add(new Continuation(3, true, "aa"));
        w.continuation(3, ByteBuffer.wrap(bytes("aa")), true);
        expected.add(new Recorder.AltSvc(0, "https://x.example", "clear"));
        w.altSvc(0, "https://x.example", "clear");
        expected.add(new Recorder.Origin(List.of("https://x.example")));
        w.origin(List.of("https://x.example"));
        expected.add(new Recorder.PriorityUpdate(7, "u=7"));
        w.priorityUpdate(7, "u=7");
        expected.add(new Recorder.Unknown(0x20, 0xff, 9, "01"));
        w.unknown(0x20, 0xff, 9, ByteBuffer.wrap(bytes("01")));
        assertEquals(expected, Recorder.decode(all(w), new int[0], 1 << 20));
    }

    @Test
    void takeHandsOutTheOldestBytesFirstAndKeepsTheRest() {
        FrameWriter w = new FrameWriter(16);
        w.ping(false, 1);
        w.ping(false, 2);
        byte[] expected = Recorder.concat(frame(FrameType.PING, 0, 0, "0000000000000001"),
                frame(FrameType.PING, 0, 0, "0000000000000002"));
        assertEquals(34, w.size());
        byte[] first = w.take(20);
        assertEquals(14, w.size());
        w.windowUpdate(0, 5); // written after a partial take: goes behind what is still waiting
        byte[] rest = w.take(100);
        assertEquals(0, w.size());
        assertArrayEquals(Recorder.concat(expected, frame(FrameType.WINDOW_UPDATE, 0, 0, "00000005")),
                Recorder.concat(first, rest));
        assertEquals(0, w.take(10).length);
    }

    @Test
    void drainToFillsTheGivenBufferAndClearDropsEverything() {
        FrameWriter w = new FrameWriter();
        w.ping(false, 9);
        ByteBuffer out = ByteBuffer.allocate(10);
        assertEquals(10, w.drainTo(out));
        assertEquals(7, w.size());
        w.clear();
        assertEquals(0, w.size());
        w.settingsAck();
        assertEquals(hex(frame(FrameType.SETTINGS, Flags.ACK, 0, "")), hex(all(w)));
    }

    @Test
    void bufferGrowsToHoldLargeFrames() {
        FrameWriter w = new FrameWriter(16);
        ByteBuffer big = filled(1 << 20);
        w.data(1, big, false, 0);
        w.data(1, big, true, 0);
        assertEquals(2 * (9 + (1 << 20)), w.size());
        assertEquals(List.of(new Data(1, false, hexOf(big, 0, 1 << 20), 1 << 20),
                new Data(1, true, hexOf(big, 0, 1 << 20), 1 << 20)),
                Recorder.decode(all(w), new int[0], (1 << 24) - 1));
    }

    @Test
    void argumentsThatMakeAnInvalidFrameAreRefusedAndWriteNothing() {
        FrameWriter w = new FrameWriter();
        ByteBuffer empty = ByteBuffer.allocate(0);
        List<Runnable> invalid = List.of(
                () -> w.data(0, empty, false, 0),
                () -> w.data(1, empty, false, 256),
                () -> w.data(1, empty, false, -1),
                () -> w.data(1, empty, false, ByteBuffer.allocate(256)),
                () -> w.data(1, ByteBuffer.allocate(1 << 24), false, 0),
                () -> w.headers(0, empty, false, null, 0, 16384),
                () -> w.headers(1, empty, false, new PriorityFields(0, false, 1), 255, 100),
                () -> w.headers(1, empty, false, null, 0, 0),
                () -> w.pushPromise(1, 3, empty, 16384),
                () -> w.pushPromise(1, 0, empty, 16384),
                () -> w.continuation(0, empty, true),
                () -> w.priority(0, new PriorityFields(1, false, 16)),
                () -> w.rstStream(0, 0),
                () -> w.windowUpdate(1, 0),
                () -> w.windowUpdate(-1, 1),
                () -> w.goAway(-1, 0, null),
                () -> w.settings(new Settings().put(SettingId.ENABLE_PUSH, 2)),
                () -> w.settings(new Settings().put(SettingId.INITIAL_WINDOW_SIZE, 1L << 31)),
                () -> w.altSvc(0, "", "h2"),
                () -> w.altSvc(1, "a.b", "h2"),
                () -> w.altSvc(0, "\u0100", "h2"),
                () -> w.origin(List.of("x".repeat(0x10000))),
                () -> w.priorityUpdate(0, "u=1"),
                () -> w.unknown(0x100, 0, 1, empty),
                () -> w.unknown(1, 0x100, 1, empty));
        for (Runnable call : invalid) {
            assertThrows(IllegalArgumentException.class, call::run);
            assertEquals(0, w.size(), "a refused call wrote bytes");
        }
        assertThrows(IllegalArgumentException.class, () -> new PriorityFields(1, false, 0));
        assertThrows(IllegalArgumentException.class, () -> new PriorityFields(1, false, 257));
    }

    @Test
    void payloadArgumentsAreReadWithoutMovingThem() {
        ByteBuffer data = ByteBuffer.wrap(bytes("00112233"));
        data.position(1);
        FrameWriter w = new FrameWriter();
        w.data(1, data, false, 0);
        w.goAway(0, 0, data);
        w.unknown(0xfe, 0, 0, data);
        assertEquals(1, data.position());
        assertEquals(hex(frame(FrameType.DATA, 0, 1, "112233")) + hex(frame(FrameType.GOAWAY, 0, 0, "0000000000000000112233"))
                + hex(frame(0xfe, 0, 0, "112233")), hex(all(w)));
    }

    @Test
    void trimGivesBackABurstsBufferOnlyOnceEverythingWasTaken() {
        FrameWriter w = new FrameWriter();
        w.data(1, ByteBuffer.allocate(100_000), false, 0);
        int grown = w.capacity();
        w.trim();
        assertEquals(grown, w.capacity(), "bytes are waiting: nothing changes");
        byte[] first = w.take(50_000);
        w.trim();
        assertEquals(grown, w.capacity());
        byte[] rest = w.take(Integer.MAX_VALUE);
        assertEquals(100_009, first.length + rest.length);
        w.trim();
        assertEquals(1024, w.capacity(), "drained: back to the initial size");
        w.data(3, ByteBuffer.wrap(new byte[] {1, 2, 3}), true, 0);
        assertArrayEquals(new byte[] {0, 0, 3, 0, 1, 0, 0, 0, 3, 1, 2, 3}, w.take(Integer.MAX_VALUE),
                "still writes after a trim");
        w.data(5, ByteBuffer.allocate(4_000), false, 0);
        w.take(Integer.MAX_VALUE);
        int small = w.capacity();
        w.trim();
        assertEquals(small, w.capacity(), "growth up to 16 KiB is kept");
    }
}
