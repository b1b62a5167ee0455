package io.h2relay.app.har;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HarJsonTest {

    @TempDir
    Path dir;

    static Har.File resource(String name) throws IOException {
        try (InputStream in = HarJsonTest.class.getResourceAsStream("/har/" + name)) {
            if (in == null) {
                throw new IOException("test resource /har/" + name + " missing");
            }
            return HarJson.read(in);
        }
    }

    @Test
    void readsAChromiumExportWithItsExtensionFieldsAndPseudoHeaders() throws IOException {
        Har.Log log = resource("chromium.har").log();
        assertEquals("WebInspector", log.creator().name());
        assertEquals(5, log.entries().size());
        Har.Entry first = log.entries().get(0);
        assertEquals(Instant.parse("2026-11-20T10:15:30.104Z"), first.started());
        assertEquals(48.312, first.time());
        assertEquals(28.41, first.timings().waitMs());
        assertEquals("http/2.0", first.request().httpVersion());
        assertEquals(":authority", first.request().headers().get(0).name());
        assertNull(first.h2relay());
        Har.Entry image = log.entries().get(2);
        byte[] png = HarBodies.decode(image.response().content().text(), image.response().content().encoding());
        assertEquals(70, png.length);
        assertEquals((byte) 0x89, png[0]);
        Har.Entry post = log.entries().get(3);
        assertEquals("{\"cart\":[{\"sku\":\"A-1\",\"qty\":2}],\"pay\":1}", post.request().postData().text());
    }

    @Test
    void readsAFirefoxExportWithOffsetTimesAndFormParams() throws IOException {
        Har.Log log = resource("firefox.har").log();
        assertEquals("Firefox", log.browser().name());
        assertEquals(3, log.entries().size());
        assertEquals(Instant.parse("2026-11-20T10:20:05.318Z"), log.entries().get(0).started());
        Har.PostData post = log.entries().get(1).request().postData();
        assertEquals(2, post.params().size());
        assertEquals("q=http2+proxy&page=1&x=y", post.text());
        Har.Content echoed = log.entries().get(1).response().content();
        assertArrayEquals(post.text().getBytes(StandardCharsets.UTF_8),
                HarBodies.decode(echoed.text(), echoed.encoding()));
        assertNull(log.entries().get(2).response().content().text());
    }

    @Test
    void toleratesAByteOrderMarkAndMissingOptionalFields() throws IOException {
        byte[] json = ("\uFEFF{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"http://a/\"}}]}}")
                .getBytes(StandardCharsets.UTF_8);
        Har.Log log = HarJson.read(new ByteArrayInputStream(json)).log();
        Har.Entry e = log.entries().get(0);
        assertEquals("GET", e.request().method());
        assertTrue(e.request().headers().isEmpty());
        assertNull(e.started());
        assertNull(e.response());
    }

    @Test
    void rejectsJsonWithoutALog() {
        assertThrows(IOException.class, () -> HarJson.read(new ByteArrayInputStream("{}".getBytes())));
    }

    @Test
    void binaryBodiesBecomeBase64AndTextStaysText() {
        assertEquals(new HarBodies.Encoded("héllo\n", null),
                HarBodies.encode("héllo\n".getBytes(StandardCharsets.UTF_8)));
        HarBodies.Encoded binary = HarBodies.encode(new byte[] {0, 1, (byte) 0xff});
        assertEquals("base64", binary.encoding());
        assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, HarBodies.decode(binary.text(), binary.encoding()));
        assertEquals("base64", HarBodies.encode(new byte[] {(byte) 0xc3, (byte) 0x28}).encoding());
    }

    @Test
    void sensitiveHeadersAreRedactedUnlessIncluded() {
        List<Har.NameValue> fields = List.of(Har.NameValue.of("Authorization", "Bearer x"),
                Har.NameValue.of("cookie", "a=b"), Har.NameValue.of("set-cookie", "c=d"),
                Har.NameValue.of("proxy-authorization", "Basic y"), Har.NameValue.of("accept", "*/*"));
        List<Har.NameValue> redacted = HarRedaction.apply(fields, false);
        for (int i = 0; i < 4; i++) {
            assertEquals(HarRedaction.REDACTED, redacted.get(i).value(), fields.get(i).name());
        }
        assertEquals("*/*", redacted.get(4).value());
        assertEquals(fields, HarRedaction.apply(fields, true));
    }

    @Test
    void writesOurExtensionAndReadsItBack() throws IOException {
        Har.Entry entry = entry(7);
        Path file = dir.resolve("one.har");
        HarJson.write(new Har.File(new Har.Log("1.2", new Har.Creator("h2relay", "test", null), null, null,
                List.of(entry), null)), file);
        JsonNode tree = HarJson.MAPPER.readTree(file.toFile());
        JsonNode ext = tree.at("/log/entries/0/_h2relay");
        assertEquals(7, ext.get("streamId").asInt());
        assertEquals("u=1", ext.get("priority").asText());
        assertEquals("grpc-status", ext.at("/responseTrailers/0/name").asText());
        assertEquals(12.5, tree.at("/log/entries/0/timings/wait").asDouble());
        assertTrue(tree.at("/log/entries/0/serverIPAddress").isMissingNode(), "nulls are left out");
        assertEquals(entry, HarJson.read(file).log().entries().get(0));
    }

    @Test
    void appendedFileIsCompleteHarAfterEveryAppend() throws IOException {
        Path file = dir.resolve("grow.har");
        try (HarFileAppender appender = HarFileAppender.create(file, new Har.Creator("h2relay", "test", null))) {
            assertEquals(0, HarJson.read(file).log().entries().size());
            appender.append(List.of(entry(1)));
            assertEquals(1, HarJson.read(file).log().entries().size());
            appender.append(List.of(entry(3), entry(5)));
            List<Har.Entry> read = HarJson.read(file).log().entries();
            assertEquals(List.of(1, 3, 5), read.stream().map(e -> e.h2relay().streamId()).toList());
            assertEquals(3, appender.entries());
        }
        assertEquals("1.2", HarJson.read(file).log().version());
    }

    static Har.Entry entry(int stream) {
        Har.Request request = new Har.Request("POST", "http://127.0.0.1:8080/echo", "h2", List.of(),
                List.of(Har.NameValue.of("content-type", "text/plain")), List.of(),
                new Har.PostData("text/plain", null, "hello", null, null), -1L, 5L, null);
        Har.Response response = new Har.Response(200, "", "h2", List.of(), List.of(),
                new Har.Content(5L, null, "text/plain", "hello", null, null), "", -1L, 5L, null);
        return new Har.Entry(null, "2026-11-20T10:00:00.000Z", 13.0, request, response,
                new Har.Timings(-1.0, -1.0, -1.0, 0.5, 12.5, 0.0, -1.0, null), null, null, null,
                new Har.Extension(stream, "u=1", List.of(), List.of(Har.NameValue.of("grpc-status", "0")),
                        false, false, "default", "origin", "h2c://127.0.0.1:8081", "COMPLETED", null, "main", "h2c"));
    }
}
