package io.h2relay.origin;

import java.nio.ByteBuffer;

/**
 * The bytes {@code /bytes/N} sends: byte {@code p} of every body is {@link #at(long) at(p)}. The pattern depends on
 * the position and repeats with a prime period, so lost, duplicated or reordered frames (and whole chunks, whatever
 * their size) show in the result, yet every body is served as views of one shared block without copying.
 */
public final class BodyPattern {

    /** A prime just below 1 MiB: no chunk or frame size divides it. */
    public static final int PERIOD = 1_048_573;

    private static final byte[] BLOCK = new byte[PERIOD];

    static {
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < PERIOD; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            BLOCK[i] = (byte) x;
        }
    }

    private BodyPattern() {}

    /** The byte at position {@code p} of a body. */
    public static byte at(long p) {
        return BLOCK[(int) (p % PERIOD)];
    }

    /** A read-only view of the body from {@code position}, at most {@code max} bytes (fewer at the period's end). */
    public static ByteBuffer slice(long position, int max) {
        int from = (int) (position % PERIOD);
        int n = Math.min(max, PERIOD - from);
        return ByteBuffer.wrap(BLOCK, from, n).slice().asReadOnlyBuffer();
    }
}
