package io.h2relay.http1;

import java.util.ArrayList;
import java.util.List;

/** Character classes and small grammars of RFC 9110 / RFC 9112 / RFC 3986, over octets (0..255). */
final class Syntax {

    private Syntax() {
    }

    private static final boolean[] TCHAR = new boolean[256];
    /** RFC 3986 unreserved / sub-delims / ":" / "@": a pchar other than pct-encoded. */
    private static final boolean[] PCHAR = new boolean[256];
    /** RFC 3986 reg-name characters other than pct-encoded: unreserved / sub-delims. */
    private static final boolean[] REG_NAME = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = PCHAR[c] = REG_NAME[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = PCHAR[c] = REG_NAME[c] = true;
            TCHAR[c - 32] = PCHAR[c - 32] = REG_NAME[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
        for (char c : "-._~!$&'()*+,;=".toCharArray()) {
            PCHAR[c] = REG_NAME[c] = true;
        }
        PCHAR[':'] = PCHAR['@'] = true;
    }

    /** RFC 9110 §5.6.2 tchar. */
    static boolean isTchar(int b) {
        return TCHAR[b & 0xFF];
    }

    /** RFC 9110 §5.5 field-vchar, SP or HTAB: what a field value may contain (obs-text included). */
    static boolean isFieldContent(int b) {
        b &= 0xFF;
        return b == ' ' || b == '\t' || (b >= 0x21 && b != 0x7F);
    }

    static boolean isWhitespace(int b) {
        return b == ' ' || b == '\t';
    }

    static boolean isDigit(int b) {
        return b >= '0' && b <= '9';
    }

    /** Value of a hex digit, or -1. */
    static int hexValue(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }

    static boolean isPchar(int b) {
        return PCHAR[b & 0xFF];
    }

    static boolean isRegNameChar(int b) {
        return REG_NAME[b & 0xFF];
    }

    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    /** A field value we are willing to write: field-content only, no leading or trailing whitespace. */
    static boolean isSendableValue(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !isFieldContent(c)) {
                return false;
            }
        }
        return s.isEmpty() || (!isWhitespace(s.charAt(0)) && !isWhitespace(s.charAt(s.length() - 1)));
    }

    /**
     * Splits a comma-separated list (RFC 9110 §5.6.1) into its elements with optional whitespace removed. Empty
     * elements are kept as "" so that callers that must be strict can see them.
     */
    static List<String> splitList(String value) {
        List<String> out = new ArrayList<>(2);
        int start = 0;
        while (true) {
            int comma = value.indexOf(',', start);
            int end = comma < 0 ? value.length() : comma;
            out.add(trim(value, start, end));
            if (comma < 0) {
                return out;
            }
            start = comma + 1;
        }
    }

    static String trim(String s, int from, int to) {
        while (from < to && isWhitespace(s.charAt(from))) {
            from++;
        }
        while (to > from && isWhitespace(s.charAt(to - 1))) {
            to--;
        }
        return s.substring(from, to);
    }

    /** True when any field named {@code name} lists {@code token} (case-insensitive), e.g. Connection: close. */
    static boolean hasToken(List<Http1Field> fields, String name, String token) {
        for (Http1Field f : fields) {
            if (f.is(name)) {
                for (String element : splitList(f.value())) {
                    if (element.equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * The Content-Length of a field section, or -1 when there is none, or -2 when it is invalid. Several field lines
     * and comma lists are accepted when every element is the same decimal value (RFC 9110 §8.6 allows either that
     * or rejection; "42, 42" is common from intermediaries that merged duplicates). Values of 19 or more
     * significant digits are rejected as invalid: they cannot be a real length.
     */
    static long contentLength(List<Http1Field> fields) {
        long result = -1;
        for (Http1Field f : fields) {
            if (!f.is("content-length")) {
                continue;
            }
            for (String element : splitList(f.value())) {
                long v = decimal(element);
                if (v < 0 || (result >= 0 && v != result)) {
                    return -2;
                }
                result = v;
            }
        }
        return result;
    }

    /** 1*DIGIT with leading zeros allowed; -1 when invalid or 19+ significant digits. */
    static long decimal(String s) {
        if (s.isEmpty()) {
            return -1;
        }
        long v = 0;
        int significant = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            if (significant > 0 || c != '0') {
                if (++significant > 18) {
                    return -1;
                }
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    static int count(List<Http1Field> fields, String name) {
        int n = 0;
        for (Http1Field f : fields) {
            if (f.is(name)) {
                n++;
            }
        }
        return n;
    }

    static String first(List<Http1Field> fields, String name) {
        for (Http1Field f : fields) {
            if (f.is(name)) {
                return f.value();
            }
        }
        return null;
    }

    /** All elements of every field line named {@code name}, in order. */
    static List<String> elements(List<Http1Field> fields, String name) {
        List<String> out = new ArrayList<>(1);
        for (Http1Field f : fields) {
            if (f.is(name)) {
                out.addAll(splitList(f.value()));
            }
        }
        return out;
    }
}
