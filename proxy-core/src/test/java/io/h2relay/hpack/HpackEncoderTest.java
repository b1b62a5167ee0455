package io.h2relay.hpack;

import static io.h2relay.hpack.HpackTestSupport.headers;
import static io.h2relay.hpack.HpackTestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.hpack.IndexingPolicy.Indexing;
import java.nio.ByteBuffer;
import java.util.LinkedList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Encoder choices (rows 72–74): representations, the default policy, Huffman only when shorter, size updates. */
class HpackEncoderTest {

    private final HpackEncoder encoder = new HpackEncoder();
    private final HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);

    private List<Header> roundTrip(List<Header> headers) throws HpackException {
        return decoder.decode(encoder.encode(headers));
    }

    // -- the default policy

    @Test
    void authorizationIsNeverIndexed() throws HpackException {
        List<Header> decoded = roundTrip(headers("authorization", "Bearer abcdefghijklmnopqrstuvwxyz"));
        assertEquals(List.of(new Header("authorization", "Bearer abcdefghijklmnopqrstuvwxyz", true)), decoded);
        assertEquals(0, encoder.dynamicTableSize());
        assertEquals(List.of(new Header("proxy-authorization", "Basic Zm9vOmJhcg==", true)),
                roundTrip(headers("proxy-authorization", "Basic Zm9vOmJhcg==")));
        assertEquals(0, encoder.dynamicTableSize());
    }

    @Test
    void shortCookiesAreNeverIndexedLongOnesAre() throws HpackException {
        assertEquals(List.of(new Header("cookie", "sid=1234567890", true)),
                roundTrip(headers("cookie", "sid=1234567890")));
        assertEquals(0, encoder.dynamicTableSize());
        String longCookie = "session=0123456789abcdef0123456789";
        assertEquals(headers("cookie", longCookie), roundTrip(headers("cookie", longCookie)));
        assertEquals(Header.of("cookie", longCookie).size(), encoder.dynamicTableSize());
    }

    @Test
    void callerMarkedFieldsAreNeverIndexedAndKeepTheFlag() throws HpackException {
        Header secret = new Header("x-api-key", "k", true);
        assertEquals(List.of(secret), roundTrip(List.of(secret)));
        assertEquals(0, encoder.dynamicTableSize());
        // Even when the static table holds the exact field, a never-indexed field stays a literal (§6.2.3).
        Header get = new Header(":method", "GET", true);
        ByteBuffer block = encoder.encode(List.of(get));
        assertEquals("1203474554", hex(block));
        assertEquals(List.of(get), decoder.decode(block));
    }

    @Test
    void uniqueValuesAreNotIndexed() throws HpackException {
        List<Header> list = headers(":path", "/search?q=hpack", "content-length", "1234", "etag", "\"abc\"",
                "age", "17", "last-modified", "Mon, 21 Oct 2013 20:13:21 GMT", "set-cookie", "id=a3fWa; Secure",
                "location", "/next", "if-none-match", "\"abc\"", "if-modified-since", "Mon, 21 Oct 2013 20:13:21 GMT");
        assertEquals(list, roundTrip(list));
        assertEquals(0, encoder.dynamicTableSize());
    }

    @Test
    void plainPathsAndOrdinaryFieldsAreIndexed() throws HpackException {
        List<Header> list = headers(":path", "/index.js", "user-agent", "test/1.0", "x-custom", "v");
        assertEquals(list, roundTrip(list));
        assertEquals(3, encoder.dynamicTableLength());
        // Second time, all three are single-octet indexes.
        assertEquals("bebdbf".length() / 2, encoder.encode(list).remaining());
    }

    @Test
    void largeValuesAreNotIndexed() throws HpackException {
        List<Header> list = headers("x-big", "v".repeat(DefaultIndexingPolicy.MAX_INDEXED_VALUE));
        assertEquals(list, roundTrip(list));
        assertEquals(0, encoder.dynamicTableSize());
        List<Header> justUnder = headers("x-big", "v".repeat(DefaultIndexingPolicy.MAX_INDEXED_VALUE - 1));
        assertEquals(justUnder, roundTrip(justUnder));
        assertEquals(1, encoder.dynamicTableLength());
    }

    @Test
    void fieldLargerThanTheTableIsSentWithoutIndexingInsteadOfEmptyingIt() throws HpackException {
        HpackEncoder e = new HpackEncoder(IndexingPolicy.ALWAYS, false);
        e.encode(headers("x-a", "1"));
        ByteBuffer block = e.encode(headers("x-b", "v".repeat(4096)));
        assertEquals(0x00, block.get(0), "literal without indexing, new name");
        assertEquals(1, e.dynamicTableLength(), "x-a survived");
    }

    // -- representation choice

    @Test
    void exactMatchInTheDynamicTableIsUsedWhateverThePolicy() throws HpackException {
        HpackEncoder e = new HpackEncoder(IndexingPolicy.ALWAYS, false);
        e.encode(headers("x-a", "1"));
        // Same encoder, now with a policy that would not index: still an index, as the field is in the table.
        assertEquals("be", hex(e.encode(headers("x-a", "1"))));
    }

    @Test
    void staticNameIsPreferredOverADynamicOne() {
        HpackEncoder e = new HpackEncoder(IndexingPolicy.ALWAYS, false);
        e.encode(headers("user-agent", "a"));
        // user-agent is static 58: literal with incremental indexing, name index 58 (0x40 | 58 = 0x7a).
        assertEquals("7a0162", hex(e.encode(headers("user-agent", "b"))));
    }

    @Test
    void dynamicNameIsUsedWhenNotStatic() {
        HpackEncoder e = new HpackEncoder(IndexingPolicy.ALWAYS, false);
        e.encode(headers("x-name", "a"));
        // Name index 62 fits the 6-bit prefix: 0x40 | 62 = 0x7e.
        assertEquals("7e0162", hex(e.encode(headers("x-name", "b"))));
    }

    @Test
    void withoutIndexingUsesAFourBitPrefix() {
        HpackEncoder e = new HpackEncoder(h -> Indexing.WITHOUT_INDEXING, false);
        assertEquals("0f1001" + "61", hex(e.encode(headers("content-type", "a")))); // 31 = 15 + 16
    }

    // -- Huffman

    @Test
    void huffmanOnlyWhenStrictlyShorter() {
        HpackEncoder e = new HpackEncoder(h -> Indexing.WITHOUT_INDEXING, true);
        // "aaaa": 20 bits -> 3 octets, shorter: Huffman. "307": 3 octets either way: raw.
        assertEquals("0001" + "78" + "83" + "18c63f", hex(e.encode(headers("x", "aaaa"))));
        assertEquals("0001" + "78" + "03" + "333037", hex(e.encode(headers("x", "307"))));
        // Rare octets grow under Huffman: raw.
        assertEquals("0001" + "78" + "02" + "0001", hex(e.encode(headers("x", "\u0000\u0001"))));
    }

    @Test
    void huffmanForLongStringsUsesAMultiOctetLength() throws HpackException {
        String value = "a".repeat(1000); // 5000 bits = 625 octets
        HpackEncoder e = new HpackEncoder(h -> Indexing.WITHOUT_INDEXING, true);
        ByteBuffer block = e.encode(headers("x", value));
        assertEquals(3 + 3 + 625, block.remaining());
        assertEquals(headers("x", value), decoder.decode(block));
        String rare = "\u0000".repeat(200);
        assertEquals(headers("x", rare), decoder.decode(e.encode(headers("x", rare))));
    }

    @Test
    void plainEncoderNeverUsesHuffman() {
        HpackEncoder e = new HpackEncoder(h -> Indexing.WITHOUT_INDEXING, false);
        assertEquals("0001" + "78" + "04" + "61616161", hex(e.encode(headers("x", "aaaa"))));
    }

    // -- dynamic table size updates (row 74)

    @Test
    void shrinkingSendsOneUpdateAtTheNextBlock() throws HpackException {
        roundTrip(headers("x-a", "1", "x-b", "2"));
        encoder.setMaxTableSize(40);
        ByteBuffer block = encoder.encode(headers(":method", "GET"));
        assertEquals("3f09" + "82", hex(block)); // 40 = 31 + 9
        assertEquals(36, encoder.dynamicTableSize(), "x-a evicted, x-b (36) kept");
        decoder.setMaxTableSize(40);
        assertEquals(headers(":method", "GET"), decoder.decode(block));
        assertEquals("82", hex(encoder.encode(headers(":method", "GET"))), "only once");
    }

    @Test
    void shrinkingThenGrowingSendsTheMinimumThenTheFinalSize() throws HpackException {
        roundTrip(headers("x-a", "1"));
        encoder.setMaxTableSize(0);
        encoder.setMaxTableSize(100);
        encoder.setMaxTableSize(4096);
        ByteBuffer block = encoder.encode(headers(":method", "GET"));
        assertEquals("20" + "3fe11f" + "82", hex(block));
        assertEquals(headers(":method", "GET"), decoder.decode(block));
        assertEquals(0, decoder.dynamicTableSize(), "the decoder emptied its table too");
    }

    @Test
    void unchangedSizeSendsNoUpdate() {
        encoder.setMaxTableSize(4096);
        assertEquals("82", hex(encoder.encode(headers(":method", "GET"))));
    }

    @Test
    void tableNeverExceedsTheEncodersCapWhateverThePeerAllows() {
        encoder.setMaxTableSize(1 << 20);
        assertEquals("82", hex(encoder.encode(headers(":method", "GET"))), "still 4096: nothing to signal");
        encoder.setMaxTableSize(1000);
        encoder.setMaxTableSize(1 << 20);
        assertEquals("3fc907" + "3fe11f" + "82", hex(encoder.encode(headers(":method", "GET"))));
    }

    @Test
    void rejectsNegativeTableSize() {
        assertThrows(IllegalArgumentException.class, () -> encoder.setMaxTableSize(-1));
    }

    // -- buffers

    @Test
    void returnsTheSameReusedBufferEachTime() {
        ByteBuffer first = encoder.encode(headers(":method", "GET"));
        ByteBuffer second = encoder.encode(headers(":method", "POST"));
        assertSame(first, second);
        assertEquals("83", hex(second));
    }

    @Test
    void growsTheBufferForLargeBlocks() throws HpackException {
        List<Header> big = headers("x-1", "a".repeat(5000), "x-2", "\u00ff".repeat(5000), "x-3", "z");
        assertEquals(big, roundTrip(big));
    }

    @Test
    void acceptsListsWithoutRandomAccess() throws HpackException {
        List<Header> linked = new LinkedList<>(headers(":method", "GET", ":path", "/a"));
        assertEquals(linked, roundTrip(linked));
    }

    @Test
    void charsAboveLatin1BecomeQuestionMarks() throws HpackException {
        assertEquals(headers("x", "caf? ?"), roundTrip(headers("x", "caf\u00e9 \u20ac".replace('\u00e9', '\u20ac'))));
        HpackEncoder plain = new HpackEncoder(IndexingPolicy.DEFAULT, false);
        assertEquals(headers("x", "?"), new HpackDecoder(100).decode(plain.encode(headers("x", "\u20ac"))));
    }

    @Test
    void emptyListIsAnEmptyBlock() {
        assertTrue(!encoder.encode(List.of()).hasRemaining());
    }
}
