package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** curl (libcurl over nghttp2) against the engine's server side: prior knowledge, uploads, trailers, h2c upgrade. */
class CurlInteropTest {

    @TempDir
    Path directory;

    private Programs.Result curl(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Programs.require("curl", "curl"), "-sS", "--max-time", "20"));
        command.addAll(List.of(arguments));
        return Programs.run(command, directory, 30);
    }

    @Test
    void curlGetsAResponseWithPriorKnowledge() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = curl("--http2-prior-knowledge", "-w", "|%{http_version}|%{http_code}",
                    server.url("/"));
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals(new String(EngineServer.HELLO) + "|2|200", r.out());
            server.assertHealthy();
            assertEquals(1, server.events(Event.RequestReceived.class).size());
        }
    }

    @Test
    void curlUploadsAMebibyteAndGetsItBackByteForByte() throws Exception {
        byte[] body = Bodies.pattern(1 << 20);
        Path upload = directory.resolve("upload.bin");
        Path download = directory.resolve("download.bin");
        Files.write(upload, body);
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = curl("--http2-prior-knowledge", "--data-binary", "@" + upload, "-o",
                    download.toString(), "-w", "%{http_version}|%{http_code}", server.url("/echo"));
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals("2|200", r.out());
            Bodies.assertSameBytes(body, Files.readAllBytes(download), "echoed body");
            server.assertHealthy();
            long received = server.events(Event.DataReceived.class).stream()
                    .mapToLong(d -> d.flowControlledLength()).sum();
            assertEquals(body.length, received);
        }
    }

    @Test
    void curlDownloadsEightMebibytesAcrossManyWindows() throws Exception {
        int size = 8 << 20;
        Path download = directory.resolve("download.bin");
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = curl("--http2-prior-knowledge", "-o", download.toString(), "-w", "%{http_code}",
                    server.url("/bytes/" + size));
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals("200", r.out());
            Bodies.assertSameBytes(Bodies.pattern(size), Files.readAllBytes(download), "download");
            server.assertHealthy();
        }
    }

    @Test
    void curlSendsTeTrailersAndAcceptsAResponseEndingInTrailers() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            // curl 7.88 accepts trailers but shows them nowhere (not in -D, -v or --trace); a trailer section it
            // found malformed would fail the transfer. NghttpInteropTest and PythonH2InteropTest read their fields.
            Programs.Result r = curl("--http2-prior-knowledge", "-H", "te: trailers", "-w", "|%{http_code}",
                    server.url("/trailers"));
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals(new String(EngineServer.TRAILERS_BODY) + "|200", r.out());
            server.assertHealthy();
            Event.RequestReceived request = server.events(Event.RequestReceived.class).get(0);
            assertEquals("trailers", Bodies.value(request.headers(), "te"));
            assertEquals(1, server.responses());
        }
    }

    @Test
    void curlUpgradesFromHttp11WithH2c() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = curl("--http2", "-v", "-w", "|%{http_version}|%{http_code}", server.url("/bytes/100"));
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals(new String(Bodies.pattern(100), StandardCharsets.ISO_8859_1) + "|2|200",
                    new String(r.stdout(), StandardCharsets.ISO_8859_1));
            assertTrue(r.stderr().contains("101 Switching Protocols"), r.stderr());
            assertEquals(1, server.upgrades());
            server.assertHealthy();
        }
    }

    @Test
    void curlGetsA404() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = curl("--http2-prior-knowledge", "-o", "/dev/null", "-w", "%{http_code}",
                    server.url("/missing"));
            assertEquals(0, r.exitCode(), r.describe());
            assertEquals("404", r.out());
            server.assertHealthy();
        }
    }

    @Test
    void curlGetsTheHeaderSectionAloneForHead() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            // A HEAD response declares the GET body's length and ends on its HEADERS (RFC 9110 §9.3.2).
            Programs.Result r = curl("--http2-prior-knowledge", "-I", server.url("/bytes/5000"));
            assertEquals(0, r.exitCode(), r.describe());
            assertTrue(r.out().startsWith("HTTP/2 200"), r.out());
            assertTrue(r.out().contains("content-length: 5000"), r.out());
            server.assertHealthy();
        }
    }
}
