package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.h2relay.hpack.Header;
import java.util.ArrayList;
import java.util.List;

/** Bodies both ends can predict, and byte-exact comparison that names the first difference. */
final class Bodies {

    private Bodies() {
    }

    /**
     * {@code n} octets of a pattern with period 251 (a prime), so no frame or window boundary lines up with it and a
     * lost, repeated or reordered chunk shows up as a mismatch.
     */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i % 251);
        }
        return b;
    }

    static void assertSameBytes(byte[] expected, byte[] actual, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " bytes, got " + actual.length
                    + firstDifference(expected, actual));
        }
        String difference = firstDifference(expected, actual);
        assertEquals("", difference, what);
    }

    private static String firstDifference(byte[] expected, byte[] actual) {
        int n = Math.min(expected.length, actual.length);
        for (int i = 0; i < n; i++) {
            if (expected[i] != actual[i]) {
                return "; first difference at offset " + i + ": expected " + (expected[i] & 0xff) + ", got "
                        + (actual[i] & 0xff);
            }
        }
        return "";
    }

    static List<Header> headers(String... namesAndValues) {
        List<Header> list = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(Header.of(namesAndValues[i], namesAndValues[i + 1]));
        }
        return list;
    }

    static String value(List<Header> headers, String name) {
        for (Header h : headers) {
            if (h.name().equals(name)) {
                return h.value();
            }
        }
        return null;
    }
}
