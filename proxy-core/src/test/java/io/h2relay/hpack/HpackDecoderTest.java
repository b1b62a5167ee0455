package io.h2relay.hpack;

import static io.h2relay.hpack.HpackTestSupport.decode;
import static io.h2relay.hpack.HpackTestSupport.headers;
import static io.h2relay.hpack.HpackTestSupport.hex;
import static io.h2relay.hpack.HpackTestSupport.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoder behaviour beyond Appendix C: every error path with its exception, size updates, limits, identity. */
class HpackDecoderTest {

    private final HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);

    // -- indexes (RFC 7541 §2.3.3, §6.1)

    @Test
    void indexZeroIsAnInvalidIndex() {
        assertThrows(InvalidIndexException.class, () -> decode(decoder, "80"));
    }

    @Test
    void indexPastTheEmptyDynamicTableIsInvalid() {
        assertThrows(InvalidIndexException.class, () -> decode(decoder, "be"));
    }

    @Test
    void indexPastTheDynamicTableIsInvalid() throws HpackException {
        decode(decoder, "400178017a"); // x: z, now index 62
        assertEquals(headers("x", "z"), decode(decoder, "be"));
        assertThrows(InvalidIndexException.class, () -> decode(decoder, "bf"));
    }

    @Test
    void literalWithAnInvalidNameIndexIsInvalid() {
        assertThrows(InvalidIndexException.class, () -> decode(decoder, "7e0161"));
        assertThrows(InvalidIndexException.class, () -> decode(decoder, "0f2f0161"));
        assertThrows(InvalidIndexException.class, () -> decode(decoder, "1f2f0161"));
    }

    // -- integers (§5.1)

    @Test
    void integerOverTwoToTheThirtyOneIsAnOverflow() {
        assertThrows(IntegerOverflowException.class, () -> decode(decoder, "ffffffffff0f"));
    }

    @Test
    void integerWithSixContinuationOctetsIsAnOverflow() {
        // Value 127 padded with redundant continuation octets: six of them is one too many.
        assertThrows(IntegerOverflowException.class, () -> decode(decoder, "ff808080808000"));
    }

    @Test
    void integerWithFiveContinuationOctetsIsAccepted() throws HpackException {
        // A size update to 31, written with a full prefix and five (redundant) continuation octets: within the cap.
        decoder.setMaxTableSize(4096);
        assertEquals(List.of(), decode(decoder, "3f8080808000"));
        assertEquals(31, decoder.dynamicTableMaxSize());
    }

    @Test
    void integerOverflowsAreCompressionErrors() {
        HpackException e = assertThrows(IntegerOverflowException.class, () -> decode(decoder, "ffffffffff0f"));
        assertTrue(e.isCompressionError());
    }

    // -- truncation

    @Test
    void blockEndingInsideAnIntegerIsTruncated() {
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "ff"));
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "ff80"));
    }

    @Test
    void blockEndingBeforeAStringIsTruncated() {
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "40"));
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "000178"));
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "44"));
    }

    @Test
    void stringLongerThanTheBlockIsTruncated() {
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "400a6375"));
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "0401"));
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(decoder, "04ff7f"));
    }

    // -- dynamic table size updates (§4.2, §6.3)

    @Test
    void sizeUpdateAfterAFieldIsRejected() {
        assertThrows(InvalidTableSizeUpdateException.class, () -> decode(decoder, "82" + "3fe11f"));
    }

    @Test
    void sizeUpdateAboveTheAcknowledgedMaximumIsRejected() {
        assertThrows(InvalidTableSizeUpdateException.class, () -> decode(decoder, "3fe21f")); // 4097
        decoder.setMaxTableSize(100);
        assertThrows(InvalidTableSizeUpdateException.class, () -> decode(decoder, "3f46")); // 101
    }

    @Test
    void severalSizeUpdatesAtTheStartAreAccepted() throws HpackException {
        decode(decoder, "400178017a");
        assertEquals(headers(":method", "GET"), decode(decoder, "20" + "3fe11f" + "82"));
        assertEquals(0, decoder.dynamicTableSize(), "the update to 0 emptied the table");
        assertEquals(4096, decoder.dynamicTableMaxSize());
    }

    @Test
    void sizeUpdateEvicts() throws HpackException {
        decode(decoder, "400178017a" + "400179017a"); // two entries of 34
        assertEquals(68, decoder.dynamicTableSize());
        decode(decoder, "3f03"); // 34
        assertEquals(headers("y", "z"), table(decoder));
    }

    @Test
    void afterTheAcknowledgedMaximumShrinksTheNextBlockMustStartWithAnUpdate() throws HpackException {
        decode(decoder, "400178017a");
        decoder.setMaxTableSize(100);
        assertThrows(InvalidTableSizeUpdateException.class, () -> decode(decoder, "82"));
    }

    @Test
    void afterTheAcknowledgedMaximumShrinksAnEmptyBlockIsRejected() {
        decoder.setMaxTableSize(100);
        assertThrows(InvalidTableSizeUpdateException.class, () -> decode(decoder, ""));
    }

    @Test
    void afterTheAcknowledgedMaximumShrinksAFittingUpdateIsAccepted() throws HpackException {
        decode(decoder, "400178017a");
        decoder.setMaxTableSize(100);
        assertEquals(headers(":method", "GET"), decode(decoder, "3f45" + "82")); // 100
        assertEquals(100, decoder.dynamicTableMaxSize());
        assertEquals(headers(":method", "GET"), decode(decoder, "82"), "only the first block needs it");
    }

    @Test
    void anAcknowledgedMaximumAtOrAboveTheTableNeedsNoUpdate() throws HpackException {
        decoder.setMaxTableSize(100);
        decoder.setMaxTableSize(4096);
        assertEquals(headers(":method", "GET"), decode(decoder, "82"));
        decoder.setMaxTableSize(65536);
        assertEquals(headers(":method", "GET"), decode(decoder, "82"));
        assertEquals(List.of(), decode(decoder, "3fe1ff03")); // 65536 is now allowed
        assertEquals(65536, decoder.dynamicTableMaxSize());
    }

    @Test
    void tableSizeErrorsAreCompressionErrors() {
        HpackException e = assertThrows(InvalidTableSizeUpdateException.class, () -> decode(decoder, "823f00"));
        assertTrue(e.isCompressionError());
    }

    // -- header list size (RFC 9113 §6.5.2, RFC 7541 §7.3)

    @Test
    void listPastTheLimitThrowsAfterDecodingTheWholeBlock() throws HpackException {
        HpackDecoder small = new HpackDecoder(70);
        // x: z (34), then y: z incrementally indexed (34 + 34 = 68), then w: z (102 > 70), then v: z indexed.
        String block = "000178017a" + "400179017a" + "000177017a" + "400176017a";
        HeaderListTooLargeException e =
                assertThrows(HeaderListTooLargeException.class, () -> decode(small, block));
        assertFalse(e.isCompressionError(), "431 / stream error, not COMPRESSION_ERROR");
        assertEquals(70, e.limit());
        // Both indexed fields reached the table, also the one after the limit passed: the context stays in sync.
        assertEquals(headers("v", "z", "y", "z"), table(small));
        small.setMaxHeaderListSize(1000);
        assertEquals(headers("v", "z", "y", "z"), decode(small, "be" + "bf"));
    }

    @Test
    void listAtTheLimitIsAccepted() throws HpackException {
        HpackDecoder exact = new HpackDecoder(68);
        assertEquals(headers("x", "z", "y", "z"), decode(exact, "000178017a000179017a"));
    }

    @Test
    void fullyIndexedFieldsCountTowardsTheLimit() throws HpackException {
        // HPACK bomb: one 4 KiB entry referenced over and over costs the attacker one octet per reference.
        HpackDecoder bomb = new HpackDecoder(16384);
        String big = "a".repeat(4000);
        ByteBuffer first = ByteBuffer.allocate(4100);
        first.put(hex("4001" + "78" + "7f" + "a11e")).put(big.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        first.flip();
        bomb.decode(first);
        assertThrows(HeaderListTooLargeException.class, () -> decode(bomb, "be".repeat(10)));
        assertEquals(1, bomb.dynamicTableLength());
    }

    @Test
    void literalsAfterTheLimitAreSkippedButChecked() {
        HpackDecoder small = new HpackDecoder(10);
        // over the limit at once; then a literal without indexing with an invalid name index
        assertThrows(InvalidIndexException.class, () -> decode(small, "000178017a" + "0f2f017a"));
        // over the limit; then a literal whose value is cut off
        assertThrows(TruncatedHeaderBlockException.class, () -> decode(small, "000178017a" + "00017805"));
    }

    // -- representations and identity

    @Test
    void neverIndexedFlagIsKeptAndOtherLiteralsAreNot() throws HpackException {
        List<Header> decoded = decode(decoder, "1001780161" + "0001790162" + "4001770163" + "1f100164");
        assertEquals(List.of(new Header("x", "a", true), new Header("y", "b", false), new Header("w", "c", false),
                new Header("content-type", "d", true)), decoded);
        assertEquals(headers("w", "c"), table(decoder), "only the incremental literal is indexed");
    }

    @Test
    void fullyIndexedFieldsReturnTheTablesOwnInstances() throws HpackException {
        Header literal = decode(decoder, "400178017a").get(0);
        List<Header> again = decode(decoder, "be82");
        assertSame(literal, again.get(0));
        assertSame(StaticTable.get(2), again.get(1));
    }

    @Test
    void staticNamesAreTheInternedLiterals() throws HpackException {
        List<Header> decoded = decode(decoder, "04012f" + "440162" + "1f0b0163");
        assertSame(":path", decoded.get(0).name());
        assertSame(":path", decoded.get(1).name());
        assertSame("content-encoding", decoded.get(2).name());
    }

    @Test
    void entryLargerThanTheTableEmptiesIt() throws HpackException {
        HpackDecoder d = new HpackDecoder(Integer.MAX_VALUE, 64);
        decode(d, "400178017a");
        assertEquals(34, d.dynamicTableSize());
        // x: 31 octets of 'a' -> 1 + 31 + 32 = 64 fits exactly; 32 octets -> 65 does not.
        decode(d, "400178" + "1f" + "61".repeat(31));
        assertEquals(headers("x", "a".repeat(31)), table(d));
        assertEquals(headers("y", "a".repeat(32)), decode(d, "400179" + "20" + "61".repeat(32)));
        assertEquals(0, d.dynamicTableLength());
        assertEquals(0, d.dynamicTableSize());
    }

    @Test
    void consumesTheBufferEvenOnError() {
        ByteBuffer ok = ByteBuffer.wrap(hex("8286"));
        ByteBuffer bad = ByteBuffer.wrap(hex("80"));
        assertThrows(InvalidIndexException.class, () -> decoder.decode(bad));
        assertFalse(bad.hasRemaining());
        assertEquals(2, assertDoesNotThrowDecode(ok).size());
        assertFalse(ok.hasRemaining());
    }

    @Test
    void decodesFromSlicesAndDirectBuffers() throws HpackException {
        byte[] bytes = hex("ffff" + "828684410f7777772e6578616d706c652e636f6d" + "ffff");
        ByteBuffer slice = ByteBuffer.wrap(bytes, 2, bytes.length - 4).slice();
        List<Header> expected = headers(":method", "GET", ":scheme", "http", ":path", "/",
                ":authority", "www.example.com");
        assertEquals(expected, new HpackDecoder(1000).decode(slice));

        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length);
        direct.put(bytes).position(2).limit(bytes.length - 2);
        assertEquals(expected, new HpackDecoder(1000).decode(direct));
        assertEquals(bytes.length - 2, direct.position());
    }

    @Test
    void rejectsNegativeTableSize() {
        assertThrows(IllegalArgumentException.class, () -> decoder.setMaxTableSize(-1));
    }

    private List<Header> assertDoesNotThrowDecode(ByteBuffer b) {
        try {
            return decoder.decode(b);
        } catch (HpackException e) {
            throw new AssertionError(e);
        }
    }
}
