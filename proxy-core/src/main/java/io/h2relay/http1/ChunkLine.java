package io.h2relay.http1;

import java.nio.ByteBuffer;

/**
 * RFC 9112 §7.1: {@code chunk-size [ chunk-ext ]}, the content of a chunk line without its CRLF. Extensions are
 * validated strictly (a lenient reader here is a known smuggling vector) and then ignored: we define none.
 */
final class ChunkLine {

    private ChunkLine() {
    }

    /** The chunk size on {@code src[from, to)}. Leading zeros are fine; over 15 significant hex digits is not. */
    static long size(ByteBuffer src, int from, int to) {
        long size = 0;
        int significant = 0;
        int i = from;
        for (int h; i < to && (h = Syntax.hexValue(src.get(i))) >= 0; i++) {
            if ((significant > 0 || h != 0) && ++significant > 15) {
                throw new BadMessage(400, "chunk size too large");
            }
            size = size * 16 + h;
        }
        if (i == from) {
            throw new BadMessage(400, "invalid chunk size");
        }
        extensions(src, i, to);
        return size;
    }

    /** *( BWS ";" BWS ext-name [ BWS "=" BWS ( token / quoted-string ) ] ). */
    private static void extensions(ByteBuffer src, int i, int to) {
        while (i < to) {
            i = skipWhitespace(src, i, to);
            if (i == to || src.get(i) != ';') {
                throw new BadMessage(400, "invalid chunk extension");
            }
            i = skipWhitespace(src, i + 1, to);
            int name = i;
            while (i < to && Syntax.isTchar(src.get(i))) {
                i++;
            }
            if (i == name) {
                throw new BadMessage(400, "invalid chunk extension name");
            }
            int afterName = i;
            i = skipWhitespace(src, i, to);
            if (i < to && src.get(i) == '=') {
                i = skipWhitespace(src, i + 1, to);
                i = i < to && src.get(i) == '"' ? quotedString(src, i, to) : tokenEnd(src, i, to);
            } else {
                i = afterName; // whitespace after a name must lead to "=" or the next ";"
            }
        }
    }

    private static int tokenEnd(ByteBuffer src, int i, int to) {
        int from = i;
        while (i < to && Syntax.isTchar(src.get(i))) {
            i++;
        }
        if (i == from) {
            throw new BadMessage(400, "invalid chunk extension value");
        }
        return i;
    }

    /** RFC 9110 §5.6.4 quoted-string starting at the opening quote; returns the index after the closing one. */
    private static int quotedString(ByteBuffer src, int i, int to) {
        for (i++; i < to; i++) {
            int c = src.get(i) & 0xFF;
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (++i == to || !Syntax.isFieldContent(src.get(i))) {
                    break;
                }
            } else if (!Syntax.isFieldContent(c)) {
                break;
            }
        }
        throw new BadMessage(400, "invalid quoted-string in chunk extension");
    }

    private static int skipWhitespace(ByteBuffer src, int i, int to) {
        while (i < to && Syntax.isWhitespace(src.get(i))) {
            i++;
        }
        return i;
    }
}
