package io.h2relay.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2relay.hpack.Header;
import io.h2relay.hpack.HpackDecoder;
import io.h2relay.hpack.HpackEncoder;
import io.h2relay.hpack.HpackException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * HPACK encode and decode over the http2jp hpack-test-case corpus, ours beside Netty's in the same run.
 *
 * <p>One operation is one pass over the whole corpus: 32 stories, 3,384 header blocks. Each story gets a fresh
 * encoder or decoder, as a connection would (the stories share a compression context within, not across).
 * <ul>
 *   <li>encode: the {@code raw-data} header lists. {@code encodeOurs} is the default encoder (Huffman when shorter);
 *   {@code encodeOursPlain} never Huffman-codes. Netty's {@code DefaultHttp2HeadersEncoder} by default Huffman-codes
 *   only strings of 512 octets or more ({@code encodeNetty}); {@code encodeNettyHuffman} sets that threshold to 0,
 *   the work our default does. Each benchmark's output size per pass is printed at setup.</li>
 *   <li>decode: the {@code nghttp2} directory's wire blocks (the same stories, encoded by a third party), with
 *   Netty's header validation off, as our decoder leaves validation to the engine. Netty fills a
 *   {@code DefaultHttp2Headers} per block, we a {@code List<Header>}.</li>
 * </ul>
 * Run: {@code java -jar proxy-bench/target/benchmarks.jar 'Hpack' -f 1 -wi 3 -i 5 -w 1 -r 1 -prof gc} from the
 * repository root (the corpus path is relative to it; {@code -p corpus=...} to change it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class HpackBenchmark {

    @Param("../shared/data/hpack-test-case")
    public String corpus;

    /** raw-data: per story, per block, the header list. */
    private List<List<List<Header>>> ourLists;
    private List<List<Http2Headers>> nettyLists;
    /** nghttp2 directory: per story, per block, the wire bytes, as buffers rewound before each decode. */
    private ByteBuffer[][] ourWire;
    private ByteBuf[][] nettyWire;
    private ByteBuf nettyOut;

    @Setup(Level.Trial)
    public void load() throws Exception {
        Path root = Path.of(corpus);
        if (!Files.isDirectory(root.resolve("raw-data"))) {
            throw new IllegalStateException("HPACK corpus missing at " + root.toAbsolutePath().normalize()
                    + " (run from the repository root or pass -p corpus=<dir>)");
        }
        List<List<List<Header>>> raw = read(root.resolve("raw-data"));
        List<List<List<Header>>> nghttp2Headers = new ArrayList<>();
        List<List<byte[]>> nghttp2Wire = readWire(root.resolve("nghttp2"), nghttp2Headers);
        if (raw.size() != nghttp2Wire.size()) {
            throw new IllegalStateException("raw-data and nghttp2 differ in story count");
        }
        ourLists = raw;
        nettyLists = new ArrayList<>();
        for (List<List<Header>> story : raw) {
            List<Http2Headers> blocks = new ArrayList<>();
            for (List<Header> list : story) {
                Http2Headers h = new DefaultHttp2Headers(false);
                for (Header f : list) {
                    h.add(f.name(), f.value());
                }
                blocks.add(h);
            }
            nettyLists.add(blocks);
        }
        ourWire = new ByteBuffer[nghttp2Wire.size()][];
        nettyWire = new ByteBuf[nghttp2Wire.size()][];
        for (int s = 0; s < nghttp2Wire.size(); s++) {
            List<byte[]> story = nghttp2Wire.get(s);
            ourWire[s] = new ByteBuffer[story.size()];
            nettyWire[s] = new ByteBuf[story.size()];
            for (int c = 0; c < story.size(); c++) {
                ourWire[s][c] = ByteBuffer.wrap(story.get(c));
                nettyWire[s][c] = Unpooled.wrappedBuffer(story.get(c));
            }
        }
        nettyOut = Unpooled.buffer(1 << 16);
        verifyDecoders(nghttp2Headers);
        printSizes();
    }

    // -- encode

    @Benchmark
    public long encodeOurs(Blackhole bh) {
        return encodeOurs(bh, true);
    }

    @Benchmark
    public long encodeOursPlain(Blackhole bh) {
        return encodeOurs(bh, false);
    }

    private long encodeOurs(Blackhole bh, boolean huffman) {
        long octets = 0;
        for (List<List<Header>> story : ourLists) {
            HpackEncoder encoder = huffman ? new HpackEncoder()
                    : new HpackEncoder(io.h2relay.hpack.IndexingPolicy.DEFAULT, false);
            for (int i = 0, n = story.size(); i < n; i++) {
                ByteBuffer block = encoder.encode(story.get(i));
                octets += block.remaining();
                bh.consume(block);
            }
        }
        return octets;
    }

    @Benchmark
    public long encodeNetty(Blackhole bh) throws Http2Exception {
        return encodeNetty(bh, false);
    }

    @Benchmark
    public long encodeNettyHuffman(Blackhole bh) throws Http2Exception {
        return encodeNetty(bh, true);
    }

    private long encodeNetty(Blackhole bh, boolean huffman) throws Http2Exception {
        long octets = 0;
        for (List<Http2Headers> story : nettyLists) {
            DefaultHttp2HeadersEncoder encoder = huffman
                    ? new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, false, 16, 0)
                    : new DefaultHttp2HeadersEncoder();
            for (int i = 0, n = story.size(); i < n; i++) {
                nettyOut.clear();
                encoder.encodeHeaders(1, story.get(i), nettyOut);
                octets += nettyOut.readableBytes();
                bh.consume(nettyOut);
            }
        }
        return octets;
    }

    // -- decode

    @Benchmark
    public void decodeOurs(Blackhole bh) throws HpackException {
        for (ByteBuffer[] story : ourWire) {
            HpackDecoder decoder = new HpackDecoder(1 << 24);
            for (ByteBuffer block : story) {
                block.clear();
                bh.consume(decoder.decode(block));
            }
        }
    }

    @Benchmark
    public void decodeNetty(Blackhole bh) throws Http2Exception {
        for (ByteBuf[] story : nettyWire) {
            DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, 1L << 24);
            for (ByteBuf block : story) {
                block.readerIndex(0);
                bh.consume(decoder.decodeHeaders(1, block));
            }
        }
    }

    // -- setup helpers

    /** Both decoders must give the corpus's header lists, or the comparison means nothing. */
    private void verifyDecoders(List<List<List<Header>>> expected) throws HpackException, Http2Exception {
        for (int s = 0; s < ourWire.length; s++) {
            HpackDecoder ours = new HpackDecoder(1 << 24);
            DefaultHttp2HeadersDecoder netty = new DefaultHttp2HeadersDecoder(false, 1L << 24);
            for (int c = 0; c < ourWire[s].length; c++) {
                ourWire[s][c].clear();
                List<Header> decoded = ours.decode(ourWire[s][c]);
                List<Header> want = expected.get(s).get(c);
                for (int i = 0; i < want.size(); i++) {
                    Header d = decoded.get(i);
                    if (!d.name().equals(want.get(i).name()) || !d.value().equals(want.get(i).value())) {
                        throw new IllegalStateException("our decoder disagrees with story " + s + " block " + c);
                    }
                }
                nettyWire[s][c].readerIndex(0);
                if (netty.decodeHeaders(1, nettyWire[s][c]).size() != want.size()) {
                    throw new IllegalStateException("Netty's decoder disagrees with story " + s + " block " + c);
                }
            }
        }
    }

    private void printSizes() throws Http2Exception {
        Blackhole bh = new Blackhole(
                "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        long wire = 0;
        for (ByteBuffer[] story : ourWire) {
            for (ByteBuffer b : story) {
                wire += b.capacity();
            }
        }
        System.out.printf("%nHPACK corpus octets per pass: ours %d, ours plain %d, Netty %d, Netty Huffman %d;"
                        + " nghttp2 wire (decode input) %d%n",
                encodeOurs(bh, true), encodeOurs(bh, false), encodeNetty(bh, false), encodeNetty(bh, true), wire);
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<Path> storyFiles(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("story_\\d+\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<List<List<Header>>> read(Path dir) throws IOException {
        List<List<List<Header>>> stories = new ArrayList<>();
        for (Path f : storyFiles(dir)) {
            List<List<Header>> story = new ArrayList<>();
            for (JsonNode c : JSON.readTree(f.toFile()).get("cases")) {
                story.add(headers(c));
            }
            stories.add(story);
        }
        return stories;
    }

    private static List<List<byte[]>> readWire(Path dir, List<List<List<Header>>> headersOut) throws IOException {
        List<List<byte[]>> stories = new ArrayList<>();
        for (Path f : storyFiles(dir)) {
            List<byte[]> story = new ArrayList<>();
            List<List<Header>> lists = new ArrayList<>();
            for (JsonNode c : JSON.readTree(f.toFile()).get("cases")) {
                story.add(HexFormat.of().parseHex(c.get("wire").asText()));
                lists.add(headers(c));
            }
            stories.add(story);
            headersOut.add(lists);
        }
        return stories;
    }

    private static List<Header> headers(JsonNode c) {
        List<Header> list = new ArrayList<>();
        for (JsonNode h : c.get("headers")) {
            for (Map.Entry<String, JsonNode> e : h.properties()) {
                list.add(Header.of(e.getKey(), e.getValue().asText()));
            }
        }
        return List.copyOf(list);
    }
}
