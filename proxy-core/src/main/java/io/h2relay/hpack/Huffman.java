package io.h2relay.hpack;

/**
 * The static Huffman code of RFC 7541 §5.2 and Appendix B.
 *
 * <p>The Appendix B code is canonical (codes of one length are consecutive, in symbol order, and each length
 * continues where the previous one stopped), so the code lengths alone define it: the codes are rebuilt from
 * {@link #LENGTHS} at class load.
 *
 * <p>Decoding is a finite-state machine, the technique nghttp2 and Netty use, but fed a whole octet per step
 * rather than a nibble: a state is an internal node of the code tree (256 of them for 257 leaves), and one lookup
 * per input octet gives the next state, the symbols completed on the way (at most two: no code is shorter than 5
 * bits), whether the string may end there, and whether EOS was hit. One dependent load per octet instead of two
 * measured about a quarter faster on the corpus; the table is 256 KiB, built once per JVM.
 */
final class Huffman {

    static final int EOS = 256;

    /** Code length in bits of each symbol 0..255 and EOS (RFC 7541 Appendix B, column "len"). */
    private static final byte[] LENGTHS = {
        13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28,
        28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
        6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6,
        5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
        13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7,
        7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
        15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5,
        6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
        20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23,
        24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
        22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23,
        21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
        26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25,
        19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
        20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23,
        26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
        30,
    };

    /** Code of each symbol, right-aligned. */
    private static final int[] CODES = new int[257];
    /** For the encoder, one load per symbol: code << 8 | length. */
    private static final long[] ENCODE = new long[257];

    // Decoder table entry, indexed by state << 8 | octet: bits 0-7 next state, 8-15 first symbol, 16-23 second
    // symbol, 24-25 number of symbols, then the flags.
    private static final int COUNT_SHIFT = 24;
    /** The string may end here: nothing pending, or only 1-bits, fewer than 8 of them (§5.2 padding). */
    private static final int ACCEPT = 1 << 26;
    /** The octet completes EOS, which must never appear in a string (§5.2). */
    private static final int FAIL = 1 << 27;
    private static final int[] DECODE = new int[256 * 256];

    static {
        buildCodes();
        buildDecoder();
    }

    private Huffman() {
    }

    private static void buildCodes() {
        int code = 0;
        int length = 0;
        for (int len = 1; len <= 30; len++) {
            for (int sym = 0; sym <= EOS; sym++) {
                if (LENGTHS[sym] == len) {
                    code <<= len - length;
                    length = len;
                    CODES[sym] = code;
                    ENCODE[sym] = (long) code << 8 | len;
                    code++;
                }
            }
        }
    }

    private static void buildDecoder() {
        // The code tree: node 0 is the root, internal nodes get ids 0..255 in creation order; a leaf is stored as
        // -(symbol + 1) in its parent's child slot.
        int[][] child = new int[256][2];
        int[] depth = new int[256];
        boolean[] allOnes = new boolean[256];
        allOnes[0] = true;
        int nodes = 1;
        for (int sym = 0; sym <= EOS; sym++) {
            int node = 0;
            for (int i = LENGTHS[sym] - 1; i > 0; i--) {
                int bit = (CODES[sym] >>> i) & 1;
                if (child[node][bit] == 0) {
                    int next = nodes++;
                    child[node][bit] = next;
                    depth[next] = depth[node] + 1;
                    allOnes[next] = allOnes[node] && bit == 1;
                }
                node = child[node][bit];
            }
            child[node][CODES[sym] & 1] = -(sym + 1);
        }
        for (int state = 0; state < 256; state++) {
            for (int octet = 0; octet < 256; octet++) {
                int node = state;
                int entry = 0;
                int count = 0;
                for (int i = 7; i >= 0; i--) {
                    int next = child[node][(octet >>> i) & 1];
                    if (next >= 0) {
                        node = next;
                        continue;
                    }
                    int sym = -next - 1;
                    if (sym == EOS) {
                        entry |= FAIL;
                    } else {
                        entry |= sym << (8 + 8 * count);
                        count++;
                    }
                    node = 0;
                }
                if (allOnes[node] && depth[node] < 8) {
                    entry |= ACCEPT;
                }
                DECODE[state << 8 | octet] = entry | count << COUNT_SHIFT | node;
            }
        }
    }

    /** Length in bits of the code for {@code symbol} (0..256). */
    static int codeLength(int symbol) {
        return LENGTHS[symbol];
    }

    /** Right-aligned code for {@code symbol} (0..256). */
    static int code(int symbol) {
        return CODES[symbol];
    }

    /** Octets a Huffman encoding of {@code s} takes; chars above 0xFF count as '?' (see {@link #octet}). */
    static int encodedLength(String s) {
        long bits = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            bits += LENGTHS[octet(s.charAt(i))];
        }
        return (int) ((bits + 7) >>> 3);
    }

    /**
     * Writes the Huffman encoding of {@code s} at {@code dst[pos]} and returns the position after it, or -1 as soon
     * as it would take more than {@code maxLength} octets (the caller then writes the raw string instead).
     * {@code dst} must have room for {@code maxLength} octets past {@code pos}.
     */
    static int encode(String s, byte[] dst, int pos, int maxLength) {
        int end = pos + maxLength;
        long bits = 0;
        int pending = 0;
        for (int i = 0, n = s.length(); i < n; i++) {
            long entry = ENCODE[octet(s.charAt(i))];
            int length = (int) entry & 0xFF;
            // pending < 32 and length <= 30: no valid bit is shifted out of the long.
            bits = bits << length | entry >>> 8;
            pending += length;
            if (pending >= 32) {
                if (end - pos < 4) {
                    return -1;
                }
                pending -= 32;
                int word = (int) (bits >>> pending);
                dst[pos] = (byte) (word >>> 24);
                dst[pos + 1] = (byte) (word >>> 16);
                dst[pos + 2] = (byte) (word >>> 8);
                dst[pos + 3] = (byte) word;
                pos += 4;
            }
        }
        while (pending >= 8) {
            if (pos == end) {
                return -1;
            }
            pending -= 8;
            dst[pos++] = (byte) (bits >>> pending);
        }
        if (pending > 0) {
            if (pos == end) {
                return -1;
            }
            // Pad with the most significant bits of EOS, i.e. 1-bits (§5.2).
            dst[pos++] = (byte) (bits << (8 - pending) | 0xFF >>> pending);
        }
        return pos;
    }

    /**
     * Decodes {@code len} octets of {@code src} from {@code pos} into {@code dst} (which must hold
     * {@code len * 8 / 5} octets) and returns the number of octets written.
     */
    static int decode(byte[] src, int pos, int len, byte[] dst) throws InvalidHuffmanException {
        int state = 0;
        int entry = ACCEPT;
        int out = 0;
        for (int end = pos + len; pos < end; pos++) {
            entry = DECODE[state << 8 | (src[pos] & 0xFF)];
            if ((entry & (FAIL | 3 << COUNT_SHIFT)) != 0) {
                if ((entry & FAIL) != 0) {
                    throw new InvalidHuffmanException("Huffman string contains EOS");
                }
                int count = entry >>> COUNT_SHIFT & 3;
                if (count != 0) {
                    dst[out++] = (byte) (entry >>> 8);
                    if (count == 2) {
                        dst[out++] = (byte) (entry >>> 16);
                    }
                }
            }
            state = entry & 0xFF;
        }
        if ((entry & ACCEPT) == 0) {
            throw new InvalidHuffmanException("Huffman padding longer than 7 bits or not all 1-bits");
        }
        return out;
    }

    /** The octet a char stands for; chars above 0xFF become '?', as {@code String.getBytes(ISO_8859_1)} does. */
    static int octet(char c) {
        return c <= 0xFF ? c : '?';
    }
}
