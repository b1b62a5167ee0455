package io.h2relay.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.h2relay.hpack.IndexingPolicy.Indexing;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties over random input: round trips, and a decoder that fails only with its own checked exceptions. */
class HpackPropertiesTest {

    /** One block of a random story, with the table size the peer set (and acknowledged) before it, or -1. */
    record Step(int tableSize, List<Header> headers) {
    }

    @Property(tries = 300)
    void randomHeaderListsRoundTrip(@ForAll("stories") List<Step> story, @ForAll("policies") IndexingPolicy policy,
            @ForAll boolean huffman) throws HpackException {
        HpackEncoder encoder = new HpackEncoder(policy, huffman);
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        for (Step step : story) {
            if (step.tableSize() >= 0) {
                encoder.setMaxTableSize(step.tableSize());
                decoder.setMaxTableSize(step.tableSize());
            }
            List<Header> decoded = decoder.decode(encoder.encode(step.headers()));
            assertEquals(step.headers().size(), decoded.size());
            for (int i = 0; i < decoded.size(); i++) {
                Header in = step.headers().get(i);
                Header out = decoded.get(i);
                assertEquals(in.name(), out.name());
                assertEquals(in.value(), out.value());
                if (in.neverIndexed()) {
                    assertEquals(true, out.neverIndexed(), "a never-indexed field must stay never-indexed");
                }
            }
            assertEquals(encoder.dynamicTableSize(), decoder.dynamicTableSize(), "tables in step");
        }
    }

    @Property(tries = 2000)
    void randomBytesFailOnlyWithHpackExceptions(@ForAll @Size(max = 64) List<Byte> bytes,
            @ForAll @IntRange(min = 0, max = 4096) int acknowledgedMax, @ForAll boolean warm) {
        HpackDecoder decoder = new HpackDecoder(1024);
        if (warm) {
            try {
                // A table with a few entries so that dynamic indexes resolve too.
                decoder.decode(ByteBuffer.wrap(HpackTestSupport.hex("400178017a" + "4001790161" + "5f03616263")));
            } catch (HpackException e) {
                throw new AssertionError(e);
            }
        }
        decoder.setMaxTableSize(acknowledgedMax);
        byte[] block = new byte[bytes.size()];
        for (int i = 0; i < block.length; i++) {
            block[i] = bytes.get(i);
        }
        try {
            decoder.decode(ByteBuffer.wrap(block));
        } catch (HpackException expected) {
            // fine: any other throwable fails the property
        }
    }

    @Property(tries = 1000)
    void integersRoundTripWithEveryPrefix(@ForAll @IntRange(min = 1, max = 8) int prefix,
            @ForAll @IntRange(min = 0) int value) throws HpackException {
        byte[] out = new byte[8];
        int end = HpackEncoder.encodeInteger(out, 0, 0, prefix, value);
        assertEquals(value, HpackDecoder.decodeInteger(java.util.Arrays.copyOf(out, end), prefix));
    }

    @Property(tries = 500)
    void huffmanRoundTrips(@ForAll("latin1") String s) throws InvalidHuffmanException {
        assertEquals(s, HuffmanTest.decode(HuffmanTest.encode(s)));
    }

    @Property(tries = 200)
    void encoderTableAgreesWithANaiveModel(@ForAll("tableOps") List<int[]> ops) {
        EncoderTable table = new EncoderTable(512);
        List<Header> model = new ArrayList<>(); // newest first
        int max = 512;
        for (int[] op : ops) {
            if (op[0] == 0) {
                max = op[1];
                table.setMaxSize(max);
            } else {
                Header h = Header.of("n" + op[1], "v".repeat(op[2]));
                int nh = EncoderTable.nameHash(h.name());
                table.add(h.name(), h.value(), nh, EncoderTable.fieldHash(nh, h.value()));
                if (h.size() > max) {
                    model.clear();
                } else {
                    model.add(0, h);
                }
            }
            int size = 0;
            List<Header> kept = new ArrayList<>();
            for (Header h : model) {
                if (size + h.size() > max) {
                    break;
                }
                size += h.size();
                kept.add(h);
            }
            model = kept;
            assertEquals(model.size(), table.length());
            assertEquals(size, table.size());
            for (int n = 0; n < 8; n++) {
                String name = "n" + n;
                int expectedName = 0;
                for (int i = 0; i < model.size(); i++) {
                    if (model.get(i).name().equals(name)) {
                        expectedName = 62 + i;
                        break;
                    }
                }
                assertEquals(expectedName, table.findName(name, EncoderTable.nameHash(name)), "name " + name);
                for (int len = 0; len < 4; len++) {
                    String value = "v".repeat(len);
                    int expected = model.indexOf(Header.of(name, value));
                    int nh = EncoderTable.nameHash(name);
                    assertEquals(expected < 0 ? 0 : 62 + expected,
                            table.findField(name, value, EncoderTable.fieldHash(nh, value)), name + ": " + value);
                }
            }
        }
    }

    // -- generators

    @Provide
    Arbitrary<List<Step>> stories() {
        Arbitrary<Integer> tableSize = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just(-1)),
                net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(0, 8192)));
        Arbitrary<List<Header>> lists = header().list().ofMaxSize(20);
        return Combinators.combine(tableSize, lists).as(Step::new).list().ofMinSize(1).ofMaxSize(12);
    }

    private static Arbitrary<Header> header() {
        Arbitrary<String> name = Arbitraries.oneOf(
                Arbitraries.of(":method", ":path", ":status", "cookie", "authorization", "content-length",
                        "user-agent", "accept", "date", "set-cookie"),
                Arbitraries.strings().withCharRange('a', 'z').withChars('-').ofMinLength(1).ofMaxLength(12),
                Arbitraries.of("x-a", "x-b", "x-c"));
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of("", "GET", "/", "200", "gzip, deflate", "1", "2"),
                Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(40),
                Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(300));
        return Combinators.combine(name, value, Arbitraries.integers().between(0, 9))
                .as((n, v, flag) -> new Header(n, v, flag == 0));
    }

    @Provide
    Arbitrary<IndexingPolicy> policies() {
        return Arbitraries.of(IndexingPolicy.DEFAULT, IndexingPolicy.ALWAYS, h -> Indexing.WITHOUT_INDEXING,
                h -> Indexing.NEVER_INDEXED, h -> Indexing.values()[Math.floorMod(h.value().hashCode(), 3)]);
    }

    @Provide
    Arbitrary<String> latin1() {
        return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(200);
    }

    @Provide
    Arbitrary<List<int[]>> tableOps() {
        Arbitrary<int[]> resize = Arbitraries.integers().between(0, 1024).map(s -> new int[] {0, s});
        Arbitrary<int[]> add = Combinators.combine(Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(0, 200)).as((n, len) -> new int[] {1, n, len});
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, resize), net.jqwik.api.Tuple.of(12, add))
                .list().ofMaxSize(80);
    }
}
