package io.h2relay.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.frame.FrameCorpus.Case;
import io.h2relay.frame.Recorder.Event;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * The reader's answer does not depend on how the input is cut, and no input makes it fail other than with a
 * FrameException.
 */
class FrameReaderPropertyTest {

    /** Every corpus case, normal and error, plus frames of each extension type and a large DATA, back to back. */
    private static final byte[] STREAM = stream();

    private static byte[] stream() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Case c : FrameCorpus.cases()) {
            if (!c.isError()) {
                out.writeBytes(c.wire());
            }
        }
        FrameWriter w = new FrameWriter();
        w.altSvc(0, "https://example.com", "h2=\":8443\"; ma=60");
        w.altSvc(3, "", "h3=\":443\"");
        w.origin(List.of("https://a.example", "https://b.example:8443"));
        w.priorityUpdate(5, "u=1, i");
        w.unknown(0xfe, 0xa5, 7, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        byte[] big = new byte[40000];
        Arrays.fill(big, (byte) 'x');
        w.data(9, ByteBuffer.wrap(big, 0, 16000), false, 200);
        w.headers(11, ByteBuffer.wrap(big), true, new PriorityFields(9, true, 256), 0, 16384);
        w.priority(13, new PriorityFields(9, false, 1));
        w.settingsAck();
        w.ping(true, -1L);
        w.rstStream(11, 0xdeadbeef);
        w.goAway(13, ErrorCode.ENHANCE_YOUR_CALM.code(), ByteBuffer.wrap("calm".getBytes()));
        w.windowUpdate(0, Integer.MAX_VALUE);
        out.writeBytes(w.take(Integer.MAX_VALUE));
        return out.toByteArray();
    }

    @Property(tries = 300)
    void anySplitOfACorpusCaseDecodesLikeTheWholeInput(@ForAll("corpusSplits") Tuple2<Case, int[]> split) {
        byte[] wire = split.get1().wire();
        assertEquals(Recorder.decodeWhole(wire), Recorder.decode(wire, split.get2(), 16384));
    }

    @Property(tries = 200)
    void anySplitOfAManyFrameStreamDecodesLikeTheWholeInput(@ForAll("streamSplits") int[] cuts) {
        List<Event> whole = Recorder.decodeWhole(STREAM);
        assertTrue(whole.size() > 20 && !(whole.get(whole.size() - 1) instanceof Recorder.ConnectionError),
                whole::toString);
        assertEquals(whole, Recorder.decode(STREAM, cuts, 16384));
    }

    @Property(tries = 2000)
    void randomBytesNeverFailOtherThanWithAFrameException(@ForAll("randomInput") Tuple2<byte[], int[]> input) {
        // Recorder.decode turns FrameException into a ConnectionError event; anything else escapes and fails here.
        List<Event> events = Recorder.decode(input.get1(), input.get2(), 16384);
        for (int i = 0; i < events.size() - 1; i++) {
            assertTrue(!(events.get(i) instanceof Recorder.ConnectionError), "reading went on after an error");
        }
    }

    @Property(tries = 2000)
    void plausibleFramesNeverFailOtherThanWithAFrameExceptionAndSplitsDoNotMatter(
            @ForAll("plausibleFrames") byte[] wire, @ForAll("seeds") long seed) {
        int[] cuts = cuts(wire.length, new java.util.Random(seed));
        assertEquals(Recorder.decodeWhole(wire), Recorder.decode(wire, cuts, 16384));
    }

    @Provide
    Arbitrary<Tuple2<Case, int[]>> corpusSplits() {
        return Arbitraries.of(FrameCorpus.cases()).flatMap(c -> cutsOf(c.wire().length).map(cuts -> Tuple.of(c, cuts)));
    }

    @Provide
    Arbitrary<int[]> streamSplits() {
        return cutsOf(STREAM.length);
    }

    @Provide
    Arbitrary<Tuple2<byte[], int[]>> randomInput() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200)
                .flatMap(bytes -> cutsOf(bytes.length).map(cuts -> Tuple.of(bytes, cuts)));
    }

    /** Frames with a sane header (any type up to 0x12, any flags and stream) and random payload: deeper coverage. */
    @Provide
    Arbitrary<byte[]> plausibleFrames() {
        Arbitrary<byte[]> frame = Combinators.combine(
                Arbitraries.integers().between(0, 0x12),
                Arbitraries.integers().between(0, 255),
                Arbitraries.oneOf(Arbitraries.integers().between(0, 4), Arbitraries.integers()),
                Arbitraries.bytes().array(byte[].class).ofMaxSize(40)).as((type, flags, stream, payload) -> {
                    ByteBuffer b = ByteBuffer.allocate(9 + payload.length);
                    b.put((byte) 0).putShort((short) payload.length).put(type.byteValue()).put(flags.byteValue())
                            .putInt(stream).put(payload);
                    return b.array();
                });
        return frame.list().ofMaxSize(6).map(frames -> {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            frames.forEach(out::writeBytes);
            return out.toByteArray();
        });
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    private static Arbitrary<int[]> cutsOf(int length) {
        if (length < 2) {
            return Arbitraries.just(new int[0]);
        }
        return Arbitraries.integers().between(1, length - 1).set().ofMaxSize(Math.min(length - 1, 40))
                .map(set -> set.stream().mapToInt(Integer::intValue).sorted().toArray());
    }

    private static int[] cuts(int length, java.util.Random random) {
        if (length < 2) {
            return new int[0];
        }
        return random.ints(random.nextInt(Math.min(length, 30)), 1, length).distinct().sorted().toArray();
    }
}
