package io.h2relay.engine.priority;

/**
 * Parses a {@code priority} field value as a Structured Field Dictionary (RFC 8941 §4.2.2, with the Date and
 * Display String items RFC 9651 added, so a valid extension parameter cannot spoil the whole field) and keeps
 * only what RFC 9218 §4 defines: {@code u}, an Integer 0..7, and {@code i}, a Boolean. Every other member is
 * checked for syntax and dropped. A repeated key overwrites the earlier member (RFC 8941 §4.2.2), and a member of
 * the wrong type or out of range then counts as absent (RFC 9218 §4: "MUST be ignored").
 *
 * <p>The result is packed in an int so parsing allocates nothing on the success path: {@link #INVALID} when
 * the field is not a valid Dictionary, otherwise {@link #urgency} and {@link #incremental} read the two
 * parameters out, each {@link #ABSENT} when missing or ignored.
 */
final class PriorityFieldParser {

    static final int INVALID = -1;
    static final int ABSENT = -1;

    private final String in;
    private int pos;

    private PriorityFieldParser(String in) {
        this.in = in;
    }

    static int urgency(int parsed) {
        return (parsed & 0xf) - 1;
    }

    /** 1 = true, 0 = false, {@link #ABSENT}. */
    static int incremental(int parsed) {
        return ((parsed >>> 4) & 0x3) - 1;
    }

    static int parse(String fieldValue) {
        if (fieldValue == null) {
            return pack(ABSENT, ABSENT);
        }
        try {
            return new PriorityFieldParser(fieldValue).dictionary();
        } catch (Malformed e) {
            return INVALID;
        }
    }

    private static int pack(int urgency, int incremental) {
        return (urgency + 1) | ((incremental + 1) << 4);
    }

    /** RFC 8941 §4.2 (top level) and §4.2.2 (Parsing a Dictionary). */
    private int dictionary() throws Malformed {
        int urgency = ABSENT;
        int incremental = ABSENT;
        skipSp();
        while (pos < in.length()) {
            int keyStart = pos;
            key();
            int keyEnd = pos;
            // What this member means for us: an Integer 0..7 for "u", a Boolean for "i", else ABSENT.
            int meaning = ABSENT;
            if (peek() == '=') {
                pos++;
                if (peek() == '(') {
                    innerList();                        // wrong type for both u and i
                } else {
                    meaning = item();
                }
            } else {
                meaning = BOOLEAN_TRUE;                 // bare key: Boolean true (§4.2.2)
                parameters();
            }
            if (isKey(keyStart, keyEnd, 'u')) {
                urgency = meaning >= INTEGER_BASE && meaning <= INTEGER_BASE + 7 ? meaning - INTEGER_BASE : ABSENT;
            } else if (isKey(keyStart, keyEnd, 'i')) {
                incremental = meaning == BOOLEAN_TRUE ? 1 : meaning == BOOLEAN_FALSE ? 0 : ABSENT;
            }
            skipOws();
            if (pos == in.length()) {
                break;
            }
            if (in.charAt(pos++) != ',') {
                throw Malformed.INSTANCE;
            }
            skipOws();
            if (pos == in.length()) {
                throw Malformed.INSTANCE;                // trailing comma
            }
        }
        return pack(urgency, incremental);
    }

    private boolean isKey(int start, int end, char name) {
        return end - start == 1 && in.charAt(start) == name;
    }

    // item() describes the bare item it parsed with one int: small Integers map to INTEGER_BASE + value, the
    // two Booleans to their own codes, anything else to OTHER. Only u (0..7) and i (Boolean) are looked at.
    private static final int OTHER = -1;
    private static final int BOOLEAN_FALSE = 0;
    private static final int BOOLEAN_TRUE = 1;
    private static final int INTEGER_BASE = 16;

    /** RFC 8941 §4.2.3: a bare item followed by its parameters (parameters never change the item's meaning). */
    private int item() throws Malformed {
        int meaning = bareItem();
        parameters();
        return meaning;
    }

    /** RFC 8941 §4.2.1.2. */
    private void innerList() throws Malformed {
        pos++; // '('
        while (pos < in.length()) {
            skipSp();
            if (peek() == ')') {
                pos++;
                parameters();
                return;
            }
            item();
            char c = peek();
            if (c != ' ' && c != ')') {
                throw Malformed.INSTANCE;
            }
        }
        throw Malformed.INSTANCE;
    }

    /** RFC 8941 §4.2.3.2. */
    private void parameters() throws Malformed {
        while (peek() == ';') {
            pos++;
            skipSp();
            key();
            if (peek() == '=') {
                pos++;
                bareItem();
            }
        }
    }

    /** RFC 8941 §4.2.3.3: {@code ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" )}. */
    private void key() throws Malformed {
        char c = peek();
        if (!isLcAlpha(c) && c != '*') {
            throw Malformed.INSTANCE;
        }
        pos++;
        while (pos < in.length()) {
            c = in.charAt(pos);
            if (!isLcAlpha(c) && !isDigit(c) && c != '_' && c != '-' && c != '.' && c != '*') {
                break;
            }
            pos++;
        }
    }

    /** RFC 8941 §4.2.3.1, plus RFC 9651 §4.2.3.1's Date ({@code @}) and Display String ({@code %}). */
    private int bareItem() throws Malformed {
        char c = peek();
        if (c == '-' || isDigit(c)) {
            return number(false);
        }
        switch (c) {
            case '"' -> string();
            case ':' -> byteSequence();
            case '?' -> {
                pos++;
                char b = peek();
                if (b != '0' && b != '1') {
                    throw Malformed.INSTANCE;
                }
                pos++;
                return b == '1' ? BOOLEAN_TRUE : BOOLEAN_FALSE;
            }
            case '@' -> {
                pos++;
                number(true);
            }
            case '%' -> displayString();
            default -> {
                if (c == '*' || isAlpha(c)) {
                    token();
                } else {
                    throw Malformed.INSTANCE;
                }
            }
        }
        return OTHER;
    }

    /** RFC 8941 §4.2.4: Integer (at most 15 digits) or Decimal (at most 12 + 3 digits). */
    private int number(boolean integerOnly) throws Malformed {
        boolean negative = false;
        if (peek() == '-') {
            negative = true;
            pos++;
        }
        if (!isDigit(peek())) {
            throw Malformed.INSTANCE;
        }
        long value = 0;
        int digits = 0;
        int dot = -1;
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (isDigit(c)) {
                value = value * 10 + (c - '0');
                digits++;
            } else if (c == '.' && dot < 0) {
                if (digits > 12) {
                    throw Malformed.INSTANCE;
                }
                dot = digits;
            } else {
                break;
            }
            pos++;
            if (dot < 0 ? digits > 15 : digits + 1 > 16) {
                throw Malformed.INSTANCE;
            }
        }
        if (dot >= 0) {
            int fraction = digits - dot;
            if (fraction == 0 || fraction > 3 || integerOnly) {
                throw Malformed.INSTANCE;
            }
            return OTHER;
        }
        return (!negative || value == 0) && value <= 7 ? INTEGER_BASE + (int) value : OTHER; // -0 is 0
    }

    /** RFC 8941 §4.2.5. */
    private void string() throws Malformed {
        pos++; // '"'
        while (pos < in.length()) {
            char c = in.charAt(pos++);
            if (c == '\\') {
                char next = peek();
                if (next != '"' && next != '\\') {
                    throw Malformed.INSTANCE;
                }
                pos++;
            } else if (c == '"') {
                return;
            } else if (c < 0x20 || c > 0x7e) {
                throw Malformed.INSTANCE;
            }
        }
        throw Malformed.INSTANCE;
    }

    /** RFC 8941 §4.2.6: tchar, ":" and "/" after a leading ALPHA or "*". */
    private void token() {
        pos++;
        while (pos < in.length() && (isTchar(in.charAt(pos)) || in.charAt(pos) == ':' || in.charAt(pos) == '/')) {
            pos++;
        }
    }

    /** RFC 8941 §4.2.7: base64 characters between colons (missing "=" padding tolerated, as the RFC asks). */
    private void byteSequence() throws Malformed {
        pos++; // ':'
        while (pos < in.length()) {
            char c = in.charAt(pos++);
            if (c == ':') {
                return;
            }
            if (!isAlpha(c) && !isDigit(c) && c != '+' && c != '/' && c != '=') {
                throw Malformed.INSTANCE;
            }
        }
        throw Malformed.INSTANCE;
    }

    /** RFC 9651 §4.2.10: {@code %"..."} with lowercase %xx escapes that must decode to UTF-8. */
    private void displayString() throws Malformed {
        pos++; // '%'
        if (peek() != '"') {
            throw Malformed.INSTANCE;
        }
        pos++;
        int pendingContinuation = 0; // UTF-8 continuation bytes still expected
        int minimum = 0;             // smallest code point the current sequence may encode (rejects overlongs)
        int codePoint = 0;
        while (pos < in.length()) {
            char c = in.charAt(pos++);
            if (c < 0x20 || c > 0x7e) {
                throw Malformed.INSTANCE;
            }
            if (c == '"') {
                if (pendingContinuation != 0) {
                    throw Malformed.INSTANCE;
                }
                return;
            }
            int b;
            if (c == '%') {
                b = (lowerHex(peekAt(pos)) << 4) | lowerHex(peekAt(pos + 1));
                pos += 2;
            } else {
                b = c;
            }
            if (pendingContinuation > 0) {
                if ((b & 0xc0) != 0x80) {
                    throw Malformed.INSTANCE;
                }
                codePoint = (codePoint << 6) | (b & 0x3f);
                if (--pendingContinuation == 0
                        && (codePoint < minimum || codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff))) {
                    throw Malformed.INSTANCE;
                }
            } else if (b < 0x80) {
                codePoint = b;
            } else if ((b & 0xe0) == 0xc0) {
                pendingContinuation = 1;
                minimum = 0x80;
                codePoint = b & 0x1f;
            } else if ((b & 0xf0) == 0xe0) {
                pendingContinuation = 2;
                minimum = 0x800;
                codePoint = b & 0x0f;
            } else if ((b & 0xf8) == 0xf0) {
                pendingContinuation = 3;
                minimum = 0x10000;
                codePoint = b & 0x07;
            } else {
                throw Malformed.INSTANCE;
            }
        }
        throw Malformed.INSTANCE;
    }

    private static int lowerHex(int c) throws Malformed {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        throw Malformed.INSTANCE;
    }

    private char peek() {
        return pos < in.length() ? in.charAt(pos) : '\0';
    }

    private int peekAt(int index) {
        return index < in.length() ? in.charAt(index) : -1;
    }

    private void skipSp() {
        while (pos < in.length() && in.charAt(pos) == ' ') {
            pos++;
        }
    }

    /** OWS = *( SP / HTAB ), allowed around the commas of a Dictionary (RFC 8941 §4.2.2). */
    private void skipOws() {
        while (pos < in.length() && (in.charAt(pos) == ' ' || in.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private static boolean isLcAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** RFC 9110 §5.6.2 tchar. */
    private static boolean isTchar(char c) {
        if (isAlpha(c) || isDigit(c)) {
            return true;
        }
        return switch (c) {
            case '!', '#', '$', '%', '&', '\'', '*', '+', '-', '.', '^', '_', '`', '|', '~' -> true;
            default -> false;
        };
    }

    /** Control flow for a syntax error; preallocated and stackless, so a bad field costs no allocation. */
    private static final class Malformed extends Exception {
        static final Malformed INSTANCE = new Malformed();

        private Malformed() {
            super(null, null, false, false);
        }
    }
}
