package io.h2relay.hpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.h2relay.hpack.HpackCorpus.Case;
import io.h2relay.hpack.HpackCorpus.Story;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.Http2Exception;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The http2jp hpack-test-case corpus (ENGINE_PARITY row 77): every story of every encoder directory decodes to its
 * header lists, one decoder per story as the stories share a context; and every raw-data story encoded by us
 * decodes back to the original list, in order, with our decoder and with Netty's (an independent implementation).
 */
class InteropCorpusTest {

    private static final Path ROOT = HpackCorpus.root();

    static Stream<Story> encodedStories() {
        List<String> dirs = HpackCorpus.encoderDirectories(ROOT);
        assertFalse(dirs.isEmpty(), "no encoder directories under " + ROOT);
        return dirs.stream().flatMap(d -> HpackCorpus.stories(ROOT, d).stream());
    }

    static Stream<Story> rawStories() {
        return HpackCorpus.stories(ROOT, HpackCorpus.RAW_DATA).stream();
    }

    @Test
    void corpusHasEveryEncoderDirectory() {
        // The vendored subset: guards against a silently shrunken corpus.
        List<String> dirs = HpackCorpus.encoderDirectories(ROOT);
        assertEquals(List.of("go-hpack", "haskell-http2-linear-huffman", "haskell-http2-static", "nghttp2",
                "nghttp2-16384-4096", "nghttp2-change-table-size", "node-http2-hpack", "python-hpack",
                "swift-nio-hpack-huffman", "swift-nio-hpack-plain-text"), dirs);
        assertEquals(32, HpackCorpus.stories(ROOT, HpackCorpus.RAW_DATA).size());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodedStories")
    void decodesEveryCaseOfTheStory(Story story) throws HpackException {
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        for (Case c : story.cases()) {
            if (c.headerTableSize() != null) {
                decoder.setMaxTableSize(c.headerTableSize());
            }
            List<Header> decoded = decoder.decode(ByteBuffer.wrap(c.wire()));
            assertEquals(c.headers(), plain(decoded), story + " case " + c.seqno());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawStories")
    void ourHuffmanEncodingDecodesWithOursAndNettys(Story story) throws Exception {
        roundTrip(story, new HpackEncoder());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawStories")
    void ourPlainEncodingDecodesWithOursAndNettys(Story story) throws Exception {
        roundTrip(story, new HpackEncoder(IndexingPolicy.DEFAULT, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rawStories")
    void indexingEverythingDecodesWithOursAndNettys(Story story) throws Exception {
        roundTrip(story, new HpackEncoder(IndexingPolicy.ALWAYS, true));
    }

    private static void roundTrip(Story story, HpackEncoder encoder) throws HpackException, Http2Exception {
        HpackDecoder ours = new HpackDecoder(Integer.MAX_VALUE);
        NettyWireOrderDecoder netty = new NettyWireOrderDecoder();
        for (Case c : story.cases()) {
            ByteBuffer block = encoder.encode(c.headers());
            byte[] wire = new byte[block.remaining()];
            block.get(wire);
            String where = story + " case " + c.seqno();
            assertEquals(c.headers(), plain(ours.decode(ByteBuffer.wrap(wire))), where + " (our decoder)");
            ByteBuf buf = Unpooled.wrappedBuffer(wire);
            assertEquals(c.headers(), netty.decode(buf), where + " (Netty's decoder)");
            assertFalse(buf.isReadable(), where + ": Netty left bytes unread");
        }
    }

    /** Name and value only: the corpus has no never-indexed fields to compare. */
    private static List<Header> plain(List<Header> decoded) {
        List<Header> out = new ArrayList<>(decoded.size());
        for (Header h : decoded) {
            out.add(Header.of(h.name(), h.value()));
        }
        return out;
    }
}
