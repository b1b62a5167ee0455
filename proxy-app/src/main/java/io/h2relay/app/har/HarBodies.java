package io.h2relay.app.har;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Bodies in HAR text fields: UTF-8 text as is, anything else base64 (HAR 1.2 §content, {@code encoding}). */
public final class HarBodies {

    private HarBodies() {}

    /** Text and the encoding to record it with (null: plain text). */
    public record Encoded(String text, String encoding) {}

    public static Encoded encode(byte[] body) {
        String text = utf8(body);
        return text != null ? new Encoded(text, null)
                : new Encoded(Base64.getEncoder().encodeToString(body), "base64");
    }

    /** The body bytes of a HAR text field; {@code encoding} "base64" or absent (UTF-8 text). */
    public static byte[] decode(String text, String encoding) {
        if (text == null) {
            return new byte[0];
        }
        if (encoding != null && encoding.equalsIgnoreCase("base64")) {
            // MIME decoder: tolerate line breaks some exporters put into long base64 strings.
            return Base64.getMimeDecoder().decode(text);
        }
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The body's bytes as a string when they are valid UTF-8 without NULs or other C0 controls but tab and newlines. */
    static String utf8(byte[] body) {
        for (byte b : body) {
            if (b >= 0 && b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
