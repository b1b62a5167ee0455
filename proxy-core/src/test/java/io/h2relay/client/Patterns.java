package io.h2relay.client;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** Test data whose every byte depends on its position and a seed, so loss, duplication or reordering shows. */
final class Patterns {

    private Patterns() {
    }

    static byte at(long position, int seed) {
        long x = (position + seed * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
        return (byte) (x >>> 29 ^ x >>> 47);
    }

    static byte[] bytes(int length, int seed) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = at(i, seed);
        }
        return b;
    }

    /** {@code length} pattern bytes, produced as read (nothing held in memory). */
    static InputStream stream(long length, int seed) {
        return new InputStream() {
            private long position;

            @Override
            public int read() {
                return position < length ? at(position++, seed) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (position >= length) {
                    return -1;
                }
                int n = (int) Math.min(len, length - position);
                for (int i = 0; i < n; i++) {
                    b[off + i] = at(position++, seed);
                }
                return n;
            }
        };
    }

    static byte[] sha256(InputStream in) throws IOException {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        for (int n; (n = in.read(buffer)) > 0; ) {
            digest.update(buffer, 0, n);
        }
        return digest.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
