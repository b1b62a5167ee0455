package io.h2relay.frame;

import static io.h2relay.frame.Recorder.bytes;
import static io.h2relay.frame.Recorder.concat;
import static io.h2relay.frame.Recorder.decodeByteByByte;
import static io.h2relay.frame.Recorder.decodeWhole;
import static io.h2relay.frame.Recorder.frame;
import static io.h2relay.frame.Recorder.header;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.Recorder.AltSvc;
import io.h2relay.frame.Recorder.ConnectionError;
import io.h2relay.frame.Recorder.Continuation;
import io.h2relay.frame.Recorder.Data;
import io.h2relay.frame.Recorder.Event;
import io.h2relay.frame.Recorder.GoAway;
import io.h2relay.frame.Recorder.Headers;
import io.h2relay.frame.Recorder.Origin;
import io.h2relay.frame.Recorder.Ping;
import io.h2relay.frame.Recorder.Priority;
import io.h2relay.frame.Recorder.PriorityUpdate;
import io.h2relay.frame.Recorder.PushPromise;
import io.h2relay.frame.Recorder.RstStream;
import io.h2relay.frame.Recorder.SettingsFrame;
import io.h2relay.frame.Recorder.StreamError;
import io.h2relay.frame.Recorder.Unknown;
import io.h2relay.frame.Recorder.WindowUpdate;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FrameReaderTest {

    private static final int PROTOCOL = ErrorCode.PROTOCOL_ERROR.code();
    private static final int FRAME_SIZE = ErrorCode.FRAME_SIZE_ERROR.code();

    /** Decodes whole and byte by byte, checks both agree, returns the events. */
    private static List<Event> decode(byte[] wire) {
        List<Event> whole = decodeWhole(wire);
        assertEquals(whole, decodeByteByByte(wire), "byte-by-byte decoding differs");
        return whole;
    }

    private static List<Event> connectionError(int code) {
        return List.of(new ConnectionError(code));
    }

    // ------------------------------------------------------------------------------------------ frame size (§4.2)

    @Test
    void oversizedFrameIsRejectedAfterExactlyItsNineHeaderBytes() throws FrameException {
        // ENGINE_PARITY row 49: a header declaring 16 MiB; nothing of the body is ever held.
        byte[] head = header(0xffffff, FrameType.DATA, 0, 1);
        FrameReader reader = new FrameReader(16384);
        Recorder recorder = new Recorder();
        for (int i = 0; i < 8; i++) {
            reader.read(ByteBuffer.wrap(head, i, 1), recorder);
            assertEquals(i + 1, reader.bufferedBytes());
        }
        FrameException e = assertThrows(FrameException.class, () -> reader.read(ByteBuffer.wrap(head, 8, 1), recorder));
        assertEquals(FRAME_SIZE, e.errorCode());
        assertTrue(reader.bufferedBytes() <= 9, "buffered " + reader.bufferedBytes());
        assertEquals(List.of(), recorder.events);
    }

    @Test
    void oversizedFrameIsRejectedWithoutTakingInTheBodyThatCameWithIt() {
        byte[] wire = concat(header(0xffffff, FrameType.HEADERS, Flags.END_HEADERS, 1), new byte[4096]);
        FrameReader reader = new FrameReader(16384);
        ByteBuffer input = ByteBuffer.wrap(wire);
        FrameException e = assertThrows(FrameException.class, () -> reader.read(input, new Recorder()));
        assertEquals(FRAME_SIZE, e.errorCode());
        assertEquals(9, input.position(), "read past the rejected header");
        assertTrue(reader.bufferedBytes() <= 9);
    }

    @Test
    void frameOneOctetOverTheDefaultMaxFrameSizeIsFrameSizeError() {
        // ENGINE_PARITY row 48.
        assertEquals(connectionError(FRAME_SIZE), decode(concat(header(16385, FrameType.DATA, 0, 1), new byte[16385])));
    }

    @Test
    void frameOfExactlyMaxFrameSizeIsAccepted() {
        List<Event> events = decode(concat(header(16384, FrameType.DATA, 0, 1), new byte[16384]));
        assertEquals(1, events.size());
        assertEquals(16384, ((Data) events.get(0)).flowControlledLength());
    }

    @Test
    void raisedMaxFrameSizeAdmitsLargerFrames() throws FrameException {
        FrameReader reader = new FrameReader(16384);
        reader.setMaxFrameSize(20000);
        Recorder recorder = new Recorder();
        reader.read(ByteBuffer.wrap(concat(header(20000, FrameType.DATA, 0, 1), new byte[20000])), recorder);
        assertEquals(20000, ((Data) recorder.events.get(0)).flowControlledLength());
        FrameException e = assertThrows(FrameException.class,
                () -> reader.read(ByteBuffer.wrap(header(20001, FrameType.DATA, 0, 1)), recorder));
        assertEquals(FRAME_SIZE, e.errorCode());
    }

    @Test
    void maxFrameSizeOutsideTheRfcRangeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(16383));
        assertThrows(IllegalArgumentException.class, () -> new FrameReader(1 << 24));
        new FrameReader((1 << 24) - 1);
    }

    // ---------------------------------------------------------------------------------- stream association (§6)

    @ParameterizedTest(name = "type {0}")
    @CsvSource({"0,''", "1,''", "2,0000000110", "3,00000008", "5,00000002", "9,''"})
    void streamFramesOnStreamZeroAreProtocolErrors(int type, String payload) {
        assertEquals(connectionError(PROTOCOL), decode(frame(type, 0, 0, payload)));
    }

    @ParameterizedTest(name = "type {0}")
    @CsvSource({"4,''", "6,0000000000000000", "7,0000000000000000", "16,00000001"})
    void connectionFramesOnAStreamAreProtocolErrors(int type, String payload) {
        assertEquals(connectionError(PROTOCOL), decode(frame(type, 0, 1, payload)));
    }

    // --------------------------------------------------------------------------------------- per-type lengths

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "RST_STREAM short, 3, 0, 1, 000000",
        "RST_STREAM long, 3, 0, 1, 0000000000",
        "PING short, 6, 0, 0, 00000000000000",
        "PING long, 6, 1, 0, 000000000000000000",
        "WINDOW_UPDATE short, 8, 0, 1, 000001",
        "WINDOW_UPDATE long, 8, 0, 0, 0000000100",
        "SETTINGS not a multiple of 6, 4, 0, 0, 0001000010",
        "SETTINGS ACK with payload, 4, 1, 0, 000100001000",
        "GOAWAY shorter than 8, 7, 0, 0, 00000000000000",
        "PRIORITY_UPDATE shorter than 4, 16, 0, 0, 000001",
        "padded DATA without pad length, 0, 8, 1, ''",
        "padded HEADERS without pad length, 1, 8, 1, ''",
        "HEADERS too short for priority, 1, 32, 1, 80000001",
        "padded HEADERS too short for priority, 1, 40, 1, 0080000001",
        "PUSH_PROMISE too short for promised id, 5, 4, 1, 000002",
        "padded PUSH_PROMISE too short for promised id, 5, 12, 1, 00000002",
    })
    void framesOfTheWrongLengthAreFrameSizeConnectionErrors(String name, int type, int flags, int stream,
            String payload) {
        assertEquals(connectionError(FRAME_SIZE), decode(frame(type, flags, stream, payload)));
    }

    @Test
    void priorityOfTheWrongLengthIsAStreamErrorAndReadingGoesOn() {
        byte[] wire = concat(frame(FrameType.PRIORITY, 0, 3, "00000001"), frame(FrameType.PRIORITY, 0, 5, "000000010000"),
                frame(FrameType.PING, 0, 0, "0000000000000007"));
        assertEquals(List.of(new StreamError(3, FRAME_SIZE), new StreamError(5, FRAME_SIZE), new Ping(false, 7)),
                decode(wire));
    }

    @Test
    void wrongLengthPriorityIsSkippedNotBuffered() throws FrameException {
        byte[] wire = concat(header(16000, FrameType.PRIORITY, 0, 3), new byte[16000]);
        FrameReader reader = new FrameReader(16384);
        Recorder recorder = new Recorder();
        for (int i = 0; i < wire.length; i += 1000) {
            reader.read(ByteBuffer.wrap(wire, i, Math.min(1000, wire.length - i)), recorder);
            assertTrue(reader.bufferedBytes() <= 9, "buffered " + reader.bufferedBytes());
        }
        assertEquals(List.of(new StreamError(3, FRAME_SIZE)), recorder.events);
    }

    @Test
    void priorityMakingAStreamDependOnItselfIsAStreamError() {
        assertEquals(List.of(new StreamError(3, PROTOCOL)), decode(frame(FrameType.PRIORITY, 0, 3, "0000000310")));
    }

    // ------------------------------------------------------------------------------------------------ padding

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "DATA pad length equal to the payload, 0, 8, 04aabbcc",
        "DATA pad length beyond the payload, 0, 8, ff",
        "HEADERS padding eating the priority fields, 1, 40, 05800000011faabbcc",
        "HEADERS padding beyond the fragment, 1, 8, 02aa",
        "PUSH_PROMISE padding eating the promised id, 5, 8, 0200000002aa",
    })
    void paddingLongerThanWhatIsLeftIsAProtocolError(String name, int type, int flags, String payload) {
        assertEquals(connectionError(PROTOCOL), decode(frame(type, flags, 1, payload)));
    }

    @Test
    void paddingThatLeavesAnEmptyPayloadIsAccepted() {
        assertEquals(List.of(new Data(1, false, "", 4)), decode(frame(FrameType.DATA, Flags.PADDED, 1, "03000000")));
        assertEquals(List.of(new Headers(1, false, false, null, "")),
                decode(frame(FrameType.HEADERS, Flags.PADDED, 1, "00")));
        assertEquals(List.of(new PushPromise(1, 2, true, "")),
                decode(frame(FrameType.PUSH_PROMISE, Flags.PADDED | Flags.END_HEADERS, 1, "0100000002ff")));
    }

    @Test
    void flowControlledLengthCountsThePadLengthOctetAndThePadding() {
        // Three data octets and ten of padding: 14 octets of window (RFC 9113 §6.9.1, ENGINE_PARITY row 3).
        List<Event> events = decode(frame(FrameType.DATA, Flags.PADDED | Flags.END_STREAM, 1,
                "0a 616263 00000000000000000000"));
        assertEquals(List.of(new Data(1, true, "616263", 14)), events);
    }

    // -------------------------------------------------------------------------------- flags and reserved bits

    @Test
    void reservedBitIsIgnoredInEveryStreamIdentifierField() {
        byte[] wire = concat(
                frame(FrameType.DATA, 0, 0x80000001, "aa"),
                frame(FrameType.SETTINGS, Flags.ACK, 0x80000000, ""),
                frame(FrameType.PUSH_PROMISE, Flags.END_HEADERS, 1, "80000002"),
                frame(FrameType.WINDOW_UPDATE, 0, 0, "80000010"),
                frame(FrameType.GOAWAY, 0, 0, "8000000700000000"),
                frame(FrameType.PRIORITY_UPDATE, 0, 0, "80000003"));
        assertEquals(List.of(new Data(1, false, "aa", 1), new SettingsFrame(true, new Settings()),
                new PushPromise(1, 2, true, ""), new WindowUpdate(0, 16), new GoAway(7, 0, ""),
                new PriorityUpdate(3, "")), decode(wire));
    }

    @Test
    void priorityFieldsCarryTheExclusiveBitAndWeightMinusOne() {
        byte[] wire = concat(frame(FrameType.PRIORITY, 0, 3, "80000005ff"), frame(FrameType.PRIORITY, 0, 3, "0000000500"),
                frame(FrameType.HEADERS, Flags.PRIORITY | Flags.END_HEADERS, 7, "8000000b0f 82"));
        assertEquals(List.of(new Priority(3, new PriorityFields(5, true, 256)),
                new Priority(3, new PriorityFields(5, false, 1)),
                new Headers(7, false, true, new PriorityFields(11, true, 16), "82")), decode(wire));
    }

    @Test
    void flagsATypeDoesNotDefineAreIgnored() {
        byte[] wire = concat(
                frame(FrameType.DATA, 0xf6, 1, "aa"), // no END_STREAM, no PADDED
                frame(FrameType.HEADERS, 0xd2, 1, "82"), // none of END_STREAM, END_HEADERS, PADDED, PRIORITY
                frame(FrameType.PING, 0xfe, 0, "0000000000000001"),
                frame(FrameType.SETTINGS, 0xfe, 0, "000300000064"),
                frame(FrameType.RST_STREAM, 0xff, 1, "00000008"),
                frame(FrameType.CONTINUATION, 0xfb, 1, "83"));
        assertEquals(List.of(new Data(1, false, "aa", 1), new Headers(1, false, false, null, "82"),
                new Ping(false, 1), new SettingsFrame(false, new Settings().put(SettingId.MAX_CONCURRENT_STREAMS, 100)),
                new RstStream(1, 8), new Continuation(1, false, "83")), decode(wire));
    }

    // ------------------------------------------------------------------------------------------- frame values

    @Test
    void windowUpdateWithZeroIncrementIsPassedOnForTheEngineToJudge() {
        assertEquals(List.of(new WindowUpdate(1, 0), new WindowUpdate(0, 0)),
                decode(concat(frame(FrameType.WINDOW_UPDATE, 0, 1, "00000000"),
                        frame(FrameType.WINDOW_UPDATE, 0, 0, "80000000"))));
    }

    @ParameterizedTest(name = "id {0} = {1}")
    @CsvSource({"2, 00000002, 1", "4, 80000000, 3", "5, 00003fff, 1", "5, 01000000, 1", "8, 00000002, 1",
        "9, 00000002, 1"})
    void settingValuesOutsideTheirRangeAreConnectionErrors(int id, String value, int code) {
        assertEquals(connectionError(code), decode(frame(FrameType.SETTINGS, 0, 0, "000" + id + value)));
    }

    @Test
    void settingValuesAtTheEdgesOfTheirRangesAreAccepted() {
        byte[] wire = frame(FrameType.SETTINGS, 0, 0,
                "0002 00000000 0004 7fffffff 0005 00004000 0008 00000001 0009 00000001 0006 ffffffff 0001 00000000");
        Settings expected = new Settings().put(2, 0).put(4, 0x7fffffffL).put(5, 16384).put(8, 1).put(9, 1)
                .put(6, 0xffffffffL).put(1, 0);
        assertEquals(List.of(new SettingsFrame(false, expected)), decode(wire));
        assertEquals(List.of(new SettingsFrame(false, new Settings().put(5, 0xffffff))),
                decode(frame(FrameType.SETTINGS, 0, 0, "0005 00ffffff")));
    }

    @Test
    void unknownSettingsAreKeptInOrderAndALaterDuplicateWins() {
        List<Event> events = decode(frame(FrameType.SETTINGS, 0, 0, "00ff 00000007 0003 00000064 0003 000000c8"));
        Settings settings = ((SettingsFrame) events.get(0)).settings();
        assertEquals(2, settings.size());
        assertEquals(0xff, settings.idAt(0));
        assertEquals(7L, settings.get(0xff));
        assertEquals(200L, settings.get(SettingId.MAX_CONCURRENT_STREAMS));
    }

    @Test
    void rstStreamAndGoAwayKeepUnknownErrorCodes() {
        assertEquals(List.of(new RstStream(1, 0xdeadbeef), new GoAway(0x7fffffff, 0xff, "6869")),
                decode(concat(frame(FrameType.RST_STREAM, 0, 1, "deadbeef"),
                        frame(FrameType.GOAWAY, 0, 0, "7fffffff000000ff6869"))));
    }

    @Test
    void pushPromiseOfAnOddOrZeroStreamIsAProtocolError() {
        assertEquals(connectionError(PROTOCOL), decode(frame(FrameType.PUSH_PROMISE, 4, 1, "00000003")));
        assertEquals(connectionError(PROTOCOL), decode(frame(FrameType.PUSH_PROMISE, 4, 1, "80000000")));
    }

    @Test
    void continuationFramesArePassedOnOneByOne() {
        // Sequencing (RFC 9113 §6.10) needs connection state and is the engine's; the reader reports each frame.
        assertEquals(List.of(new Continuation(3, false, "8283"), new Continuation(3, true, "")),
                decode(concat(frame(FrameType.CONTINUATION, 0, 3, "8283"),
                        frame(FrameType.CONTINUATION, Flags.END_HEADERS, 3, ""))));
    }

    // ---------------------------------------------------------------------------------------------- extensions

    @Test
    void unknownFrameTypeIsPassedOnRawAndReserializesToTheSameBytes() {
        byte[] wire = concat(frame(0xfe, 0x5a, 0x7fffffff, "0102030405"), frame(0xb, 0xff, 0, ""));
        List<Event> events = decode(wire);
        assertEquals(List.of(new Unknown(0xfe, 0x5a, 0x7fffffff, "0102030405"), new Unknown(0xb, 0xff, 0, "")), events);
        FrameWriter writer = new FrameWriter();
        events.forEach(e -> FrameCorpusTest.reencode(writer, e, null));
        assertArrayEquals(wire, writer.take(Integer.MAX_VALUE));
    }

    @Test
    void priorityUpdateIsDecoded() {
        assertEquals(List.of(new PriorityUpdate(5, "u=2, i")),
                decode(frame(FrameType.PRIORITY_UPDATE, 0, 0, "00000005 753d322c2069")));
    }

    @Test
    void priorityUpdateForStreamZeroIsAProtocolError() {
        assertEquals(connectionError(PROTOCOL), decode(frame(FrameType.PRIORITY_UPDATE, 0, 0, "00000000753d31")));
    }

    @Test
    void altSvcIsDecodedOnStreamZeroWithAnOriginAndOnAStreamWithout() {
        byte[] wire = concat(frame(FrameType.ALTSVC, 0, 0, "0003 612e62 68323d223a34343322"),
                frame(FrameType.ALTSVC, 0, 3, "0000 636c656172"));
        assertEquals(List.of(new AltSvc(0, "a.b", "h2=\":443\""), new AltSvc(3, "", "clear")), decode(wire));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "no origin on stream 0, 0, 0000 6832",
        "an origin on a stream, 3, 0001 61 6832",
        "no room for the origin length, 0, 00",
        "origin longer than the frame, 0, 0005 6162",
    })
    void invalidAltSvcIsIgnoredByPassingItOnAsUnknown(String name, int stream, String payload) {
        assertEquals(List.of(new Unknown(FrameType.ALTSVC, 0, stream, payload.replace(" ", ""))),
                decode(frame(FrameType.ALTSVC, 0, stream, payload)));
    }

    @Test
    void originFrameIsDecoded() {
        byte[] wire = concat(frame(FrameType.ORIGIN, 0, 0, "0003 612e62 0000 0001 63"), frame(FrameType.ORIGIN, 0xf0, 0, ""));
        assertEquals(List.of(new Origin(List.of("a.b", "", "c")), new Origin(List.of())), decode(wire));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "on a stream, 0, 1, 0001 61",
        "with flag 0x1, 1, 0, 0001 61",
        "with flag 0x8, 8, 0, 0001 61",
        "with a truncated length, 0, 0, 0001 61 00",
        "with a truncated origin, 0, 0, 0003 6162",
    })
    void invalidOriginFrameIsIgnoredByPassingItOnAsUnknown(String name, int flags, int stream, String payload) {
        assertEquals(List.of(new Unknown(FrameType.ORIGIN, flags, stream, payload.replace(" ", ""))),
                decode(frame(FrameType.ORIGIN, flags, stream, payload)));
    }

    // ----------------------------------------------------------------------------------------- buffers, state

    @Test
    void payloadOfAWholeFrameIsAReadOnlyViewOfTheInputNotACopy() throws FrameException {
        byte[] input = frame(FrameType.DATA, 0, 1, "aabbcc");
        Recorder recorder = new Recorder();
        new FrameReader(16384).read(ByteBuffer.wrap(input), recorder);
        ByteBuffer data = recorder.buffers.get(0);
        assertTrue(data.isReadOnly());
        input[10] = 0x11;
        assertEquals(0x11, data.get(data.position() + 1), "the slice does not share the input's memory");
    }

    @Test
    void payloadOfAFrameSplitAcrossReadsSurvivesReuseOfTheReadBuffer() throws FrameException {
        byte[] a = frame(FrameType.DATA, 0, 1, "a1a2a3a4a5a6");
        byte[] b = frame(FrameType.DATA, 0, 3, "b1b2");
        byte[] socketBuffer = new byte[64];
        FrameReader reader = new FrameReader(16384);
        Recorder recorder = new Recorder();
        System.arraycopy(a, 0, socketBuffer, 0, 10);
        reader.read(ByteBuffer.wrap(socketBuffer, 0, 10), recorder);
        assertEquals(10, reader.bufferedBytes());
        Arrays.fill(socketBuffer, (byte) 0);
        byte[] rest = concat(Arrays.copyOfRange(a, 10, a.length), b);
        System.arraycopy(rest, 0, socketBuffer, 0, rest.length);
        reader.read(ByteBuffer.wrap(socketBuffer, 0, rest.length), recorder);
        assertEquals(0, reader.bufferedBytes());
        // A third frame, also gathered across reads, must not land in the memory of the first.
        byte[] c = frame(FrameType.DATA, 0, 5, "c1c2c3c4c5c6");
        for (int i = 0; i < c.length; i++) {
            socketBuffer[0] = c[i];
            reader.read(ByteBuffer.wrap(socketBuffer, 0, 1), recorder);
        }
        Arrays.fill(socketBuffer, (byte) 0);
        assertEquals(ByteBuffer.wrap(bytes("a1a2a3a4a5a6")), recorder.buffers.get(0), "gathered payload changed");
        assertEquals(ByteBuffer.wrap(bytes("0000")), recorder.buffers.get(1), "whole payload should be a view");
        assertEquals(ByteBuffer.wrap(bytes("c1c2c3c4c5c6")), recorder.buffers.get(2));
    }

    @Test
    void oneReadBufferReusedForEveryReadDecodesLikeFreshOnes() throws FrameException {
        byte[] wire = concat(frame(FrameType.DATA, 0, 1, "a1a2a3a4a5a6a7a8a9"), frame(FrameType.PING, 0, 0, "0102030405060708"),
                frame(FrameType.HEADERS, Flags.END_HEADERS, 3, "828684"), frame(FrameType.WINDOW_UPDATE, 0, 0, "00000400"));
        ByteBuffer socketBuffer = ByteBuffer.allocate(32);
        FrameReader reader = new FrameReader(16384);
        Recorder recorder = new Recorder();
        for (int off = 0, step = 5; off < wire.length; off += step, step = step % 23 + 6) {
            socketBuffer.clear();
            socketBuffer.position(off % 3); // the read lands at a different offset each time
            socketBuffer.put(wire, off, Math.min(step, wire.length - off));
            socketBuffer.flip().position(off % 3);
            reader.read(socketBuffer, recorder);
        }
        assertEquals(decodeWhole(wire), recorder.events);
    }

    @Test
    void bufferedBytesCountsWhatIsHeldOfAPartialFrame() throws FrameException {
        byte[] wire = frame(FrameType.DATA, 0, 1, "0102030405");
        FrameReader reader = new FrameReader(16384);
        Recorder recorder = new Recorder();
        reader.read(ByteBuffer.wrap(wire, 0, 5), recorder);
        assertEquals(5, reader.bufferedBytes());
        reader.read(ByteBuffer.wrap(wire, 5, 6), recorder);
        assertEquals(11, reader.bufferedBytes());
        reader.read(ByteBuffer.wrap(wire, 11, 3), recorder);
        assertEquals(0, reader.bufferedBytes());
        assertEquals(List.of(new Data(1, false, "0102030405", 5)), recorder.events);
    }

    @Test
    void readerRefusesInputAfterAConnectionError() {
        FrameReader reader = new FrameReader(16384);
        Recorder recorder = new Recorder();
        assertThrows(FrameException.class, () -> reader.read(ByteBuffer.wrap(frame(0, 0, 0, "")), recorder));
        assertThrows(IllegalStateException.class,
                () -> reader.read(ByteBuffer.wrap(frame(FrameType.PING, 0, 0, "0000000000000000")), recorder));
    }

    @Test
    void exceptionsFromTheHandlerStopReadingAndPropagate() {
        byte[] wire = concat(frame(FrameType.PING, 0, 0, "0000000000000001"), frame(FrameType.PING, 0, 0, "0000000000000002"));
        Recorder throwing = new Recorder() {
            @Override
            public void ping(boolean ack, long opaqueData) {
                super.ping(ack, opaqueData);
                throw new HandlerBug();
            }
        };
        FrameReader reader = new FrameReader(16384);
        ByteBuffer input = ByteBuffer.wrap(wire);
        assertThrows(HandlerBug.class, () -> reader.read(input, throwing));
        assertEquals(List.of(new Ping(false, 1)), throwing.events);
        assertEquals(17, input.position(), "input should stop right after the frame that raised");
        Recorder rest = new Recorder();
        assertDoesNotThrow(() -> reader.read(input, rest), "reader should stay usable after an unchecked exception");
        assertEquals(List.of(new Ping(false, 2)), rest.events);

        FrameHandler failing = new Recorder() {
            @Override
            public void settings(boolean ack, Settings settings) throws FrameException {
                throw new FrameException(ErrorCode.ENHANCE_YOUR_CALM, "too many settings");
            }
        };
        FrameException e = assertThrows(FrameException.class,
                () -> new FrameReader(16384).read(ByteBuffer.wrap(frame(FrameType.SETTINGS, 0, 0, "")), failing));
        assertEquals(ErrorCode.ENHANCE_YOUR_CALM.code(), e.errorCode());
    }

    private static final class HandlerBug extends RuntimeException {}

    @Test
    void emptyInputDeliversNothing() throws FrameException {
        FrameReader reader = new FrameReader(16384);
        Recorder recorder = new Recorder();
        reader.read(ByteBuffer.allocate(0), recorder);
        assertEquals(List.of(), recorder.events);
        assertEquals(0, reader.bufferedBytes());
    }

    @Test
    void inputIsReadTheSameWhateverItsByteOrderOrKind() throws FrameException {
        byte[] wire = concat(frame(FrameType.WINDOW_UPDATE, 0, 0x01020304, "00000100"),
                frame(FrameType.PING, Flags.ACK, 0, "0102030405060708"), frame(FrameType.DATA, 1, 5, "ab"));
        List<Event> expected = List.of(new WindowUpdate(0x01020304, 256), new Ping(true, 0x0102030405060708L),
                new Data(5, true, "ab", 1));
        Recorder little = new Recorder();
        new FrameReader(16384).read(ByteBuffer.wrap(wire).order(ByteOrder.LITTLE_ENDIAN), little);
        assertEquals(expected, little.events);
        Recorder direct = new Recorder();
        ByteBuffer directInput = ByteBuffer.allocateDirect(wire.length + 3).put(new byte[3]).put(wire).flip();
        directInput.position(3);
        new FrameReader(16384).read(directInput.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN), direct);
        assertEquals(expected, direct.events);
    }

    @Test
    void readStartsAtTheInputPositionAndConsumesToItsLimit() throws FrameException {
        byte[] wire = concat(new byte[] {9, 9}, frame(FrameType.PING, 0, 0, "0000000000000003"), new byte[] {7});
        ByteBuffer input = ByteBuffer.wrap(wire, 2, 17);
        Recorder recorder = new Recorder();
        FrameReader reader = new FrameReader(16384);
        reader.read(input, recorder);
        assertEquals(19, input.position());
        assertEquals(List.of(new Ping(false, 3)), recorder.events);
        assertEquals(0, reader.bufferedBytes());
    }
}
