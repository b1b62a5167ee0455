package io.h2relay.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.h2relay.frame.FrameCorpus.Case;
import io.h2relay.frame.Recorder.Event;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every case of the http2jp frame corpus (ENGINE_PARITY rows 1-2): normal frames decode to the listed fields and
 * re-encode byte for byte; error frames are rejected with one of the listed codes; whole and byte-by-byte input agree.
 */
class FrameCorpusTest {

    @Test
    void corpusHoldsTheTwelveNormalAndTwentyTwoErrorCases() {
        List<Case> cases = FrameCorpus.cases();
        assertEquals(12, cases.stream().filter(c -> !c.isError()).count(), "normal cases in " + FrameCorpus.directory());
        assertEquals(22, cases.stream().filter(Case::isError).count(), "error cases in " + FrameCorpus.directory());
    }

    @TestFactory
    Stream<DynamicTest> normalCasesDecodeToTheListedFieldsAndReencodeByteIdentically() {
        return FrameCorpus.cases().stream().filter(c -> !c.isError())
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> checkNormal(c)));
    }

    @TestFactory
    Stream<DynamicTest> errorCasesAreRejectedWithAListedCode() {
        return FrameCorpus.cases().stream().filter(Case::isError)
                .map(c -> DynamicTest.dynamicTest(c.name(), () -> checkError(c)));
    }

    @TestFactory
    Stream<DynamicTest> everyCaseDecodesTheSameWholeAndByteByByte() {
        return FrameCorpus.cases().stream().map(c -> DynamicTest.dynamicTest(c.name(),
                () -> assertEquals(Recorder.decodeWhole(c.wire()), Recorder.decodeByteByByte(c.wire()))));
    }

    private static void checkNormal(Case c) {
        JsonNode frame = c.frame();
        JsonNode p = frame.get("frame_payload");
        byte[] wire = c.wire();
        int length = frame.get("length").asInt();
        int type = frame.get("type").asInt();
        int flags = frame.get("flags").asInt();
        int streamId = frame.get("stream_identifier").asInt();
        assertEquals(9 + length, wire.length, "wire length vs listed length");

        List<Event> events = Recorder.decodeWhole(wire);
        assertEquals(1, events.size(), "one frame expected: " + events);
        Event decoded = events.get(0);
        assertEquals(expected(type, flags, streamId, length, p), decoded);

        // Padding: the handler reports data/fragment; what is left of the listed length is pad length + padding.
        ByteBuffer padding = null;
        JsonNode padLength = p.get("padding_length");
        if (padLength != null && !padLength.isNull()) {
            assertTrue((flags & Flags.PADDED) != 0, "padding listed without PADDED flag");
            int n = padLength.asInt();
            assertEquals(n, length - 1 - fixedFields(decoded) - payloadLength(decoded),
                    "pad length implied by the decoded frame");
            byte[] pad = Arrays.copyOfRange(wire, wire.length - n, wire.length);
            assertArrayEquals(p.get("padding").asText().getBytes(StandardCharsets.ISO_8859_1), pad, "padding");
            padding = ByteBuffer.wrap(pad);
        } else {
            assertEquals(length, fixedFields(decoded) + payloadLength(decoded), "unpadded frame length");
        }

        FrameWriter writer = new FrameWriter(16);
        reencode(writer, decoded, padding);
        assertEquals(Recorder.HEX.formatHex(wire), Recorder.HEX.formatHex(writer.take(Integer.MAX_VALUE)));
    }

    private static void checkError(Case c) {
        List<Event> events = Recorder.decodeWhole(c.wire());
        assertEquals(1, events.size(), "exactly the rejection expected: " + events);
        Integer code = rejection(events.get(0));
        assertNotNull(code, "not rejected: " + events);
        assertTrue(c.errors().contains(code), "code " + ErrorCode.nameOf(code) + " not among " + c.errors());
    }

    /**
     * The code a decode result stands for: a connection error, a stream error, or a WINDOW_UPDATE with increment 0,
     * which the reader passes on by contract and the engine rejects with PROTOCOL_ERROR (RFC 9113 §6.9). Null when
     * the frame was accepted.
     */
    private static Integer rejection(Event event) {
        if (event instanceof Recorder.ConnectionError e) {
            return e.errorCode();
        }
        if (event instanceof Recorder.StreamError e) {
            return e.errorCode();
        }
        if (event instanceof Recorder.WindowUpdate w && w.increment() == 0) {
            return ErrorCode.PROTOCOL_ERROR.code();
        }
        return null;
    }

    private static Event expected(int type, int flags, int streamId, int length, JsonNode p) {
        return switch (type) {
            case FrameType.DATA -> new Recorder.Data(streamId, (flags & Flags.END_STREAM) != 0, hex(p, "data"), length);
            case FrameType.HEADERS -> new Recorder.Headers(streamId, (flags & Flags.END_STREAM) != 0,
                    (flags & Flags.END_HEADERS) != 0, priority(p), hex(p, "header_block_fragment"));
            case FrameType.PRIORITY -> new Recorder.Priority(streamId, priority(p));
            case FrameType.RST_STREAM -> new Recorder.RstStream(streamId, p.get("error_code").asInt());
            case FrameType.SETTINGS -> {
                Settings settings = new Settings();
                p.get("settings").forEach(s -> settings.put(s.get(0).asInt(), s.get(1).asLong()));
                yield new Recorder.SettingsFrame((flags & Flags.ACK) != 0, settings);
            }
            case FrameType.PUSH_PROMISE -> new Recorder.PushPromise(streamId, p.get("promised_stream_id").asInt(),
                    (flags & Flags.END_HEADERS) != 0, hex(p, "header_block_fragment"));
            case FrameType.PING -> new Recorder.Ping((flags & Flags.ACK) != 0,
                    ByteBuffer.wrap(p.get("opaque_data").asText().getBytes(StandardCharsets.ISO_8859_1)).getLong());
            case FrameType.GOAWAY -> new Recorder.GoAway(p.get("last_stream_id").asInt(), p.get("error_code").asInt(),
                    hex(p, "additional_debug_data"));
            case FrameType.WINDOW_UPDATE -> new Recorder.WindowUpdate(streamId, p.get("window_size_increment").asInt());
            case FrameType.CONTINUATION -> new Recorder.Continuation(streamId, (flags & Flags.END_HEADERS) != 0,
                    hex(p, "header_block_fragment"));
            default -> throw new AssertionError("corpus has an unexpected frame type " + type);
        };
    }

    private static PriorityFields priority(JsonNode p) {
        JsonNode dependency = p.get("stream_dependency");
        if (dependency == null || dependency.isNull()) {
            return null;
        }
        return new PriorityFields(dependency.asInt(), p.get("exclusive").asBoolean(), p.get("weight").asInt());
    }

    private static String hex(JsonNode p, String field) {
        return Recorder.HEX.formatHex(p.get(field).asText().getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Octets of fixed fields before the data/fragment, pad length octet excluded. */
    private static int fixedFields(Event e) {
        if (e instanceof Recorder.Headers h) {
            return h.priority() != null ? 5 : 0;
        }
        if (e instanceof Recorder.SettingsFrame s) {
            return 6 * s.settings().size();
        }
        if (e instanceof Recorder.Priority) {
            return 5;
        }
        if (e instanceof Recorder.Ping || e instanceof Recorder.GoAway) {
            return 8;
        }
        if (e instanceof Recorder.PushPromise || e instanceof Recorder.RstStream
                || e instanceof Recorder.WindowUpdate) {
            return 4;
        }
        return 0;
    }

    private static int payloadLength(Event e) {
        String hex = "";
        if (e instanceof Recorder.Data d) {
            hex = d.data();
        } else if (e instanceof Recorder.Headers h) {
            hex = h.fragment();
        } else if (e instanceof Recorder.PushPromise pp) {
            hex = pp.fragment();
        } else if (e instanceof Recorder.GoAway g) {
            hex = g.debugData();
        } else if (e instanceof Recorder.Continuation c) {
            hex = c.fragment();
        }
        return hex.length() / 2;
    }

    /** Writes a decoded frame back, with the padding octets recovered from the wire (null = not padded). */
    static void reencode(FrameWriter w, Event e, ByteBuffer padding) {
        int max = FrameReader.DEFAULT_MAX_FRAME_SIZE;
        if (e instanceof Recorder.Data d) {
            w.data(d.streamId(), buf(d.data()), d.endStream(), padding);
        } else if (e instanceof Recorder.Headers h) {
            w.headers(h.streamId(), buf(h.fragment()), h.endStream(), h.priority(), padding, max);
        } else if (e instanceof Recorder.Priority p) {
            w.priority(p.streamId(), p.priority());
        } else if (e instanceof Recorder.RstStream r) {
            w.rstStream(r.streamId(), r.errorCode());
        } else if (e instanceof Recorder.SettingsFrame s) {
            if (s.ack()) {
                w.settingsAck();
            } else {
                w.settings(s.settings());
            }
        } else if (e instanceof Recorder.PushPromise pp) {
            w.pushPromise(pp.streamId(), pp.promisedStreamId(), buf(pp.fragment()), padding, max);
        } else if (e instanceof Recorder.Ping p) {
            w.ping(p.ack(), p.opaqueData());
        } else if (e instanceof Recorder.GoAway g) {
            w.goAway(g.lastStreamId(), g.errorCode(), buf(g.debugData()));
        } else if (e instanceof Recorder.WindowUpdate wu) {
            w.windowUpdate(wu.streamId(), wu.increment());
        } else if (e instanceof Recorder.Continuation c) {
            w.continuation(c.streamId(), buf(c.fragment()), c.endHeaders());
        } else if (e instanceof Recorder.AltSvc a) {
            w.altSvc(a.streamId(), a.origin(), a.fieldValue());
        } else if (e instanceof Recorder.Origin o) {
            w.origin(o.origins());
        } else if (e instanceof Recorder.PriorityUpdate pu) {
            w.priorityUpdate(pu.prioritizedStreamId(), pu.fieldValue());
        } else if (e instanceof Recorder.Unknown u) {
            w.unknown(u.type(), u.flags(), u.streamId(), buf(u.payload()));
        } else {
            throw new AssertionError("cannot re-encode " + e);
        }
    }

    static ByteBuffer buf(String hex) {
        return ByteBuffer.wrap(Recorder.bytes(hex));
    }
}
