package io.h2relay.app.har;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes whole HAR files. Reading is lenient the way exported files need: unknown fields and a UTF-8
 * byte-order mark (some Windows tools write one) are skipped, numbers may be integers or fractions, comments are
 * allowed. Writing leaves out null fields.
 */
public final class HarJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
            .enable(JsonParser.Feature.ALLOW_COMMENTS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private HarJson() {}

    public static Har.File read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        }
    }

    public static Har.File read(InputStream input) throws IOException {
        PushbackInputStream in = new PushbackInputStream(input, 3);
        byte[] bom = new byte[3];
        int n = in.readNBytes(bom, 0, 3);
        if (!(n == 3 && (bom[0] & 0xff) == 0xef && (bom[1] & 0xff) == 0xbb && (bom[2] & 0xff) == 0xbf)) {
            in.unread(bom, 0, n);
        }
        Har.File har = MAPPER.readValue(in, Har.File.class);
        if (har == null || har.log() == null) {
            throw new IOException("not a HAR file: no \"log\" object");
        }
        return har;
    }

    public static void write(Har.File har, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, har);
        }
    }

    /** One value as compact JSON bytes. */
    static byte[] bytes(Object value) throws IOException {
        return MAPPER.writeValueAsBytes(value);
    }
}
