package io.h2relay.hpack;

import static io.h2relay.hpack.HpackTestSupport.hex;
import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RFC 7541 §5.2 and Appendix B (ENGINE_PARITY row 71). */
class HuffmanTest {

    @Test
    void codesMatchAppendixB() {
        // Spot checks across the table, from Appendix B's "code as hex" and "len" columns.
        int[][] expected = {
            {0, 0x1ff8, 13}, {1, 0x7fffd8, 23}, {9, 0xffffea, 24}, {10, 0x3ffffffc, 30}, {' ', 0x14, 6},
            {'0', 0x0, 5}, {'a', 0x3, 5}, {'e', 0x5, 5}, {'t', 0x9, 5}, {'A', 0x21, 6}, {'z', 0x7b, 7},
            {'~', 0x1ffd, 13}, {127, 0xffffffc, 28}, {128, 0xfffe6, 20}, {200, 0x3ffffe2, 26},
            {13, 0x3ffffffd, 30}, {22, 0x3ffffffe, 30}, {26, 0xffffff6, 28},
            {255, 0x3ffffee, 26}, {Huffman.EOS, 0x3fffffff, 30},
        };
        for (int[] e : expected) {
            assertEquals(e[1], Huffman.code(e[0]), "code of " + e[0]);
            assertEquals(e[2], Huffman.codeLength(e[0]), "length of " + e[0]);
        }
    }

    @Test
    void everySingleOctetStringRoundTrips() throws InvalidHuffmanException {
        for (int b = 0; b < 256; b++) {
            String s = String.valueOf((char) b);
            byte[] encoded = encode(s);
            assertEquals((Huffman.codeLength(b) + 7) / 8, encoded.length, "length for " + b);
            assertEquals(s, decode(encoded), "octet " + b);
        }
    }

    @Test
    void everySingleOctetStringDecodesWithNettysDecoderToo() throws Exception {
        // An independent check of the rarely used long codes, which the corpora hardly exercise.
        for (int b = 0; b < 256; b++) {
            byte[] encoded = encode(String.valueOf((char) b));
            // literal without indexing, new name "x", Huffman-coded value
            byte[] block = new byte[4 + encoded.length];
            block[0] = 0x00;
            block[1] = 0x01;
            block[2] = 'x';
            block[3] = (byte) (0x80 | encoded.length);
            System.arraycopy(encoded, 0, block, 4, encoded.length);
            List<Header> decoded = new NettyWireOrderDecoder().decode(Unpooled.wrappedBuffer(block));
            assertEquals(List.of(Header.of("x", String.valueOf((char) b))), decoded, "octet " + b);
        }
    }

    @Test
    void allOctetsInOneStringRoundTrip() throws InvalidHuffmanException {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3 * 256; i++) {
            sb.append((char) ((i * 7) & 0xFF));
        }
        String s = sb.toString();
        byte[] encoded = encode(s);
        assertEquals(Huffman.encodedLength(s), encoded.length);
        assertEquals(s, decode(encoded));
    }

    @Test
    void emptyStringIsEmpty() throws InvalidHuffmanException {
        assertEquals(0, encode("").length);
        assertEquals("", decode(new byte[0]));
    }

    @Test
    void padsWithOneBits() {
        // 'a' = 00011 (5 bits) + 111 padding
        assertArrayEquals(new byte[] {0x1F}, encode("a"));
    }

    @Test
    void rejectsEos() {
        // EOS (30 one-bits) followed by padding.
        assertThrows(InvalidHuffmanException.class, () -> decode(hex("ffffffff")));
        // 'a' then EOS.
        assertThrows(InvalidHuffmanException.class, () -> decode(hex("1fffffffff")));
    }

    @Test
    void rejectsPaddingLongerThanSevenBits() {
        // 'a' (00011) + 111, then a whole octet of 1-bits: 11 bits of padding.
        assertThrows(InvalidHuffmanException.class, () -> decode(hex("1fff")));
        // Only padding: 8 one-bits.
        assertThrows(InvalidHuffmanException.class, () -> decode(hex("ff")));
    }

    @Test
    void rejectsPaddingWithAZeroBit() {
        // 'a' (00011) + 110: the padding must be the most significant bits of EOS.
        assertThrows(InvalidHuffmanException.class, () -> decode(hex("1e")));
        // '0' (00000) + 000
        assertThrows(InvalidHuffmanException.class, () -> decode(hex("00")));
    }

    @Test
    void rejectsATruncatedCode() {
        // The first 8 bits of a 13-bit code (symbol 0): incomplete, and not all ones.
        assertThrows(InvalidHuffmanException.class, () -> decode(hex("fe")));
    }

    @Test
    void stopsEncodingWhenNotShorter() {
        byte[] out = new byte[16];
        // '\0' takes 13 bits: two of them need 4 octets, more than the 2 allowed.
        assertEquals(-1, Huffman.encode("\0\0", out, 0, 2));
        assertEquals(2, Huffman.encode("aaa", out, 0, 2));
        // 32 x 'a' = 160 bits = 20 octets, written four at a time: the limit is exact either way.
        byte[] big = new byte[32];
        assertEquals(21, Huffman.encode("a".repeat(32), big, 1, 20));
        assertEquals(-1, Huffman.encode("a".repeat(32), big, 1, 19));
        assertEquals(-1, Huffman.encode("\0".repeat(7), big, 0, 6));
    }

    @Test
    void charsAboveLatin1EncodeAsQuestionMark() throws InvalidHuffmanException {
        assertEquals("?", decode(encode("\u20ac")));
    }

    static byte[] encode(String s) {
        byte[] out = new byte[Huffman.encodedLength(s)];
        int end = Huffman.encode(s, out, 0, out.length);
        assertEquals(out.length, end);
        return out;
    }

    static String decode(byte[] encoded) throws InvalidHuffmanException {
        byte[] out = new byte[encoded.length * 8 / 5 + 1];
        int n = Huffman.decode(encoded, 0, encoded.length, out);
        return new String(out, 0, n, ISO_8859_1);
    }

    @Test
    void decoderRejectsHuffmanErrorsInsideABlock() {
        // literal without indexing, name "x", Huffman value "ff" (8 bits of padding)
        HpackDecoder decoder = new HpackDecoder(Integer.MAX_VALUE);
        assertThrows(InvalidHuffmanException.class,
                () -> decoder.decode(ByteBuffer.wrap(hex("000178" + "81ff"))));
    }
}
