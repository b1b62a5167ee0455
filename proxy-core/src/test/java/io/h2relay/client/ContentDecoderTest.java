package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.encoder.Encoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** gzip, deflate and br decoding, whole and in pieces of every size, with the failures a reader must see. */
class ContentDecoderTest {

    private static final byte[] TEXT = sample();

    private static byte[] sample() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            sb.append("entry ").append(i).append(" value ").append(i * 31 % 97).append('\n');
        }
        byte[] words = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] noise = Patterns.bytes(4096, 1); // incompressible, so blocks of every kind appear
        byte[] all = Arrays.copyOf(words, words.length + noise.length);
        System.arraycopy(noise, 0, all, words.length, noise.length);
        return all;
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] deflate(byte[] data, boolean raw) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, raw);
        deflater.setInput(data);
        deflater.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    static byte[] brotli(byte[] data) throws IOException {
        Brotli4jLoader.ensureAvailability();
        return Encoder.compress(data);
    }

    /** Feeds {@code coded} in pieces of {@code piece} bytes and returns everything decoded. */
    private static byte[] decode(List<String> codings, byte[] coded, int piece) throws IOException {
        ContentDecoder decoder = ContentDecoder.forEncodings(codings);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < coded.length; i += piece) {
            ByteBuffer decoded = decoder.decode(ByteBuffer.wrap(coded, i, Math.min(piece, coded.length - i)));
            byte[] b = new byte[decoded.remaining()];
            decoded.get(b);
            out.write(b);
        }
        decoder.finish();
        return out.toByteArray();
    }

    private static void decodesInAnySplit(List<String> codings, byte[] coded) throws IOException {
        for (int piece : new int[] {coded.length, 16384, 1000, 7, 1}) {
            assertArrayEquals(TEXT, decode(codings, coded, piece), "pieces of " + piece);
        }
    }

    @Test
    void gzipDecodesInAnySplit() throws IOException {
        decodesInAnySplit(List.of("gzip"), gzip(TEXT));
    }

    @Test
    void gzipWithEveryOptionalHeaderFieldDecodes() throws IOException {
        byte[] body = deflate(TEXT, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0x1f, (byte) 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3});
        out.write(new byte[] {3, 0, 'x', 'y', 'z'}); // FEXTRA, 3 bytes
        out.write("name.txt\0".getBytes(StandardCharsets.ISO_8859_1)); // FNAME
        out.write("a comment\0".getBytes(StandardCharsets.ISO_8859_1)); // FCOMMENT
        out.write(new byte[] {0x12, 0x34}); // FHCRC (not checked: optional, RFC 1952 §2.3.1)
        out.write(body);
        CRC32 crc = new CRC32();
        crc.update(TEXT);
        out.write(le32(crc.getValue()));
        out.write(le32(TEXT.length));
        decodesInAnySplit(List.of("x-gzip"), out.toByteArray());
    }

    private static byte[] le32(long v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    @Test
    void gzipMembersOneAfterAnotherDecodeAsOneBody() throws IOException {
        int half = TEXT.length / 2;
        byte[] a = gzip(Arrays.copyOfRange(TEXT, 0, half));
        byte[] b = gzip(Arrays.copyOfRange(TEXT, half, TEXT.length));
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        decodesInAnySplit(List.of("gzip"), both);
    }

    @Test
    void gzipTruncatedOrCorruptedFails() throws IOException {
        byte[] coded = gzip(TEXT);
        IOException truncated = assertThrows(IOException.class,
                () -> decode(List.of("gzip"), Arrays.copyOf(coded, coded.length - 4), 100));
        assertTrue(truncated.getMessage().contains("ended before"), truncated.getMessage());
        byte[] badCrc = coded.clone();
        badCrc[badCrc.length - 8] ^= 1;
        IOException crc = assertThrows(IOException.class, () -> decode(List.of("gzip"), badCrc, 100));
        assertTrue(crc.getMessage().contains("CRC"), crc.getMessage());
        assertThrows(IOException.class, () -> decode(List.of("gzip"), TEXT, 100), "not gzip at all");
    }

    @Test
    void deflateDecodesZlibWrappedData() throws IOException {
        decodesInAnySplit(List.of("deflate"), deflate(TEXT, false));
    }

    @Test
    void deflateFallsBackToRawDeflateWithoutAZlibHeader() throws IOException {
        decodesInAnySplit(List.of("deflate"), deflate(TEXT, true));
    }

    @Test
    void deflateTruncatedFails() {
        byte[] coded = deflate(TEXT, false);
        assertThrows(IOException.class, () -> decode(List.of("deflate"), Arrays.copyOf(coded, coded.length / 2),
                50));
    }

    @Test
    void brotliDecodesInAnySplit() throws IOException {
        decodesInAnySplit(List.of("br"), brotli(TEXT));
    }

    @Test
    void brotliTruncatedFails() throws IOException {
        byte[] coded = brotli(TEXT);
        assertThrows(IOException.class, () -> decode(List.of("br"), Arrays.copyOf(coded, coded.length / 2), 50));
    }

    @Test
    void stackedCodingsAreUndoneLastFirst() throws IOException {
        // "br, gzip": brotli applied first, then gzip (RFC 9110 §8.4).
        decodesInAnySplit(List.of("br", "gzip"), gzip(brotli(TEXT)));
        decodesInAnySplit(List.of("identity", "deflate"), deflate(TEXT, false));
    }

    @Test
    void unknownOrNoCodingMeansNoDecoding() {
        assertNull(ContentDecoder.forEncodings(List.of()));
        assertNull(ContentDecoder.forEncodings(List.of("identity")));
        assertNull(ContentDecoder.forEncodings(List.of("zstd")));
        assertNull(ContentDecoder.forEncodings(List.of("gzip", "compress")));
    }
}
