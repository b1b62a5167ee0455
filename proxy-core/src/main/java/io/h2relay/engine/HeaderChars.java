package io.h2relay.engine;

/**
 * Character classes for field names and values as lookup tables, the content-length parser, and quoting for error
 * messages. Octets map 1:1 to chars (ISO-8859-1, see {@code Header}); a char above 0xFF cannot be sent at all.
 */
final class HeaderChars {

    /** RFC 9110 §5.6.2 tchar, lowercase letters only: an HTTP/2 field name (RFC 9113 §8.2.1). */
    static final int NAME = 1;
    /** tchar including uppercase: :method and :protocol values (RFC 9110 §9.1, RFC 8441 §4). */
    static final int TOKEN = 2;
    /** RFC 3986 §3.1: scheme characters after the first (ALPHA / DIGIT / "+" / "-" / "."). */
    static final int SCHEME = 4;
    /** RFC 3986 §3.2: unreserved / pct-encoded / sub-delims / ":" / "[" / "]" / "@" (authority and host). */
    static final int AUTHORITY = 8;
    /** :path octets: anything visible; SP, CTLs and DEL never belong in a request target (RFC 9112 §3.2). */
    static final int PATH = 16;

    private static final byte[] CLASS = new byte[256];

    static {
        String tcharPunct = "!#$%&'*+-.^_`|~";
        for (int c = 0; c < 256; c++) {
            int bits = 0;
            boolean lower = c >= 'a' && c <= 'z';
            boolean upper = c >= 'A' && c <= 'Z';
            boolean digit = c >= '0' && c <= '9';
            boolean tpunct = c < 128 && tcharPunct.indexOf(c) >= 0;
            if (lower || digit || tpunct) {
                bits |= NAME;
            }
            if (lower || upper || digit || tpunct) {
                bits |= TOKEN;
            }
            if (lower || upper || digit || c == '+' || c == '-' || c == '.') {
                bits |= SCHEME;
            }
            if (lower || upper || digit || (c < 128 && "-._~%!$&'()*+,;=:[]@".indexOf(c) >= 0)) {
                bits |= AUTHORITY;
            }
            if (c > 0x20 && c != 0x7f) {
                bits |= PATH;
            }
            CLASS[c] = (byte) bits;
        }
    }

    private HeaderChars() {
    }

    /** True when every char of s is in the class (an empty string is trivially all in it). */
    static boolean all(String s, int charClass) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff || (CLASS[c] & charClass) == 0) {
                return false;
            }
        }
        return true;
    }

    /** Index of the first char of s outside the class, or -1. */
    static int firstOutside(String s, int charClass) {
        return firstOutside(s, 0, charClass);
    }

    /** Index of the first char of s at or after from that is outside the class, or -1. */
    static int firstOutside(String s, int from, int charClass) {
        for (int i = from, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c > 0xff || (CLASS[c] & charClass) == 0) {
                return i;
            }
        }
        return -1;
    }

    /** RFC 9113 §8.2.1: SP and HTAB are the only whitespace a value may not start or end with. */
    static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * Why a field value is unacceptable (RFC 9113 §8.2.1), or null when it is fine: no NUL, CR or LF anywhere, no SP
     * or HTAB at either end, and (our addition) nothing that is not an octet.
     */
    static String valueProblem(String value) {
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (c <= '\r') {
                if (c == 0) {
                    return "contains NUL";
                } else if (c == '\n') {
                    return "contains LF";
                } else if (c == '\r') {
                    return "contains CR";
                }
            } else if (c > 0xff) {
                return "contains a char above 0xFF, which is not an octet";
            }
        }
        if (n > 0 && (isOws(value.charAt(0)) || isOws(value.charAt(n - 1)))) {
            return "has leading or trailing whitespace";
        }
        return null;
    }

    /** {@link #parseContentLength} result: not a 1*DIGIT list. */
    static final long CL_SYNTAX = -1;
    /** {@link #parseContentLength} result: list elements differ. */
    static final long CL_CONFLICT = -2;
    /** {@link #parseContentLength} result: more than fits in a long. */
    static final long CL_TOO_LARGE = -3;

    /**
     * RFC 9110 §8.6: Content-Length = 1*DIGIT. A list of identical values ("15, 15", as produced by combining
     * duplicate fields) is accepted as the single value; elements may have OWS around the commas, an empty element
     * is a syntax error. Returns the value or one of the negative CL_ codes. No allocation.
     */
    static long parseContentLength(String s) {
        int n = s.length();
        long result = -1;
        int i = 0;
        while (true) {
            while (i < n && isOws(s.charAt(i))) {
                i++;
            }
            int start = i;
            long v = 0;
            boolean overflow = false;
            while (i < n) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                int d = c - '0';
                if (overflow || v > (Long.MAX_VALUE - d) / 10) {
                    overflow = true;
                } else {
                    v = v * 10 + d;
                }
                i++;
            }
            if (i == start) {
                return CL_SYNTAX;
            }
            while (i < n && isOws(s.charAt(i))) {
                i++;
            }
            if (i < n && s.charAt(i) != ',') {
                return CL_SYNTAX;
            }
            if (overflow) {
                return CL_TOO_LARGE;
            }
            if (result >= 0 && result != v) {
                return CL_CONFLICT;
            }
            result = v;
            if (i == n) {
                return result;
            }
            i++; // the comma
        }
    }

    /** Parses exactly three ASCII digits; -1 otherwise. */
    static int threeDigits(String s) {
        if (s.length() != 3) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** ASCII-only lowercase (field names are case-insensitive octets, never locale-dependent); same instance if unchanged. */
    static String lowercase(String s) {
        int n = s.length();
        int i = 0;
        while (i < n && !(s.charAt(i) >= 'A' && s.charAt(i) <= 'Z')) {
            i++;
        }
        if (i == n) {
            return s;
        }
        char[] out = s.toCharArray();
        for (; i < n; i++) {
            char c = out[i];
            if (c >= 'A' && c <= 'Z') {
                out[i] = (char) (c + ('a' - 'A'));
            }
        }
        return new String(out);
    }

    /** Strips SP/HTAB at both ends; same instance if unchanged. */
    static String trimOws(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isOws(s.charAt(start))) {
            start++;
        }
        while (end > start && isOws(s.charAt(end - 1))) {
            end--;
        }
        return start == 0 && end == s.length() ? s : s.substring(start, end);
    }

    /** True when a comma-separated list holds the element, compared case-insensitively after trimming OWS. */
    static boolean listContains(String list, String element) {
        int n = list.length();
        int i = 0;
        while (i <= n) {
            int comma = list.indexOf(',', i);
            int end = comma < 0 ? n : comma;
            int a = i;
            int b = end;
            while (a < b && isOws(list.charAt(a))) {
                a++;
            }
            while (b > a && isOws(list.charAt(b - 1))) {
                b--;
            }
            if (b - a == element.length() && list.regionMatches(true, a, element, 0, b - a)) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            i = comma + 1;
        }
        return false;
    }

    private static final int QUOTE_MAX = 64;

    /**
     * Quotes a name or value for an error message: control chars, DEL, quotes, backslashes and non-ASCII become
     * \xNN / \\uNNNN escapes so a reason is safe to log, and long strings are cut.
     */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), QUOTE_MAX) + 8).append('\'');
        int n = Math.min(s.length(), QUOTE_MAX);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\' || c > 0x7e) {
                if (c > 0xff) {
                    b.append(String.format("\\u%04x", (int) c));
                } else {
                    b.append(String.format("\\x%02x", (int) c));
                }
            } else {
                b.append(c);
            }
        }
        if (s.length() > QUOTE_MAX) {
            b.append("...");
        }
        return b.append('\'').toString();
    }
}
