package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.h2relay.engine.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nghttp (nghttp2's client) against the engine's server side: concurrent streams, downloads across many
 * flow-control windows, padded uploads with trailers, CONTINUATION, and the h2c upgrade.
 */
class NghttpInteropTest {

    @TempDir
    Path directory;

    private Programs.Result nghttp(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Programs.require("nghttp", "nghttp2-client"), "-t", "20"));
        command.addAll(List.of(arguments));
        return Programs.run(command, directory, 40);
    }

    /** nghttp's HAR log: per request, its path, status and body size. */
    private record Entry(String path, int status, long size) {
    }

    private List<Entry> har(Path file) throws Exception {
        List<Entry> entries = new ArrayList<>();
        for (JsonNode e : new ObjectMapper().readTree(file.toFile()).path("log").path("entries")) {
            String url = e.path("request").path("url").asText();
            entries.add(new Entry(url.substring(url.indexOf('/', "http://".length())),
                    e.path("response").path("status").asInt(), e.path("response").path("content").path("size")
                    .asLong()));
        }
        return entries;
    }

    @Test
    void nghttpRunsManyConcurrentStreamsOfSeveralSizes() throws Exception {
        Path log = directory.resolve("log.har");
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-n", "-m", "8", "-r", log.toString(), server.url("/bytes/1"),
                    server.url("/bytes/70000"), server.url("/bytes/300000"), server.url("/missing"));
            assertEquals(0, r.exitCode(), r.describe());
            List<Entry> entries = har(log);
            assertEquals(32, entries.size(), entries.toString());
            Map<String, Integer> counts = new HashMap<>();
            for (Entry e : entries) {
                counts.merge(e.path(), 1, Integer::sum);
                if (e.path().equals("/missing")) {
                    assertEquals(404, e.status(), e.toString());
                } else {
                    assertEquals(200, e.status(), e.toString());
                    assertEquals(Long.parseLong(e.path().substring("/bytes/".length())), e.size(), e.toString());
                }
            }
            assertEquals(Map.of("/bytes/1", 8, "/bytes/70000", 8, "/bytes/300000", 8, "/missing", 8), counts);
            assertEquals(1, server.connections());
            server.assertHealthy();
        }
    }

    @Test
    void nghttpDownloadsTenMebibytesByteForByte() throws Exception {
        int size = 10 << 20;
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp(server.url("/bytes/" + size));
            assertEquals(0, r.exitCode(), r.describe());
            Bodies.assertSameBytes(Bodies.pattern(size), r.stdout(), "download");
            server.assertHealthy();
            // 10 MiB through 64 KiB windows: the peer's WINDOW_UPDATEs reopened them many times.
            assertTrue(server.events(Event.WindowUpdated.class).size() > 100);
        }
    }

    @Test
    void nghttpDownloadsThroughSmallWindowsByteForByte() throws Exception {
        int size = 1 << 20;
        try (EngineServer server = EngineServer.start()) {
            // Stream window 2^10-1, connection window 2^15-1 (nghttp's smallest connection window).
            Programs.Result r = nghttp("-w", "10", "-W", "15", server.url("/bytes/" + size));
            assertEquals(0, r.exitCode(), r.describe());
            Bodies.assertSameBytes(Bodies.pattern(size), r.stdout(), "download");
            server.assertHealthy();
        }
    }

    @Test
    void nghttpUploadsPaddedDataWithTrailersAndGetsThemEchoed() throws Exception {
        byte[] body = Bodies.pattern(300_000);
        Path upload = directory.resolve("upload.bin");
        Files.write(upload, body);
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-v", "-n", "-b", "100", "-d", upload.toString(), "--trailer",
                    "x-checksum: 1234", server.url("/echo"));
            assertEquals(0, r.exitCode(), r.describe());
            String log = r.out();
            assertTrue(log.contains(":status: 200"), log);
            // The echoed request trailer comes back in a trailer section: HEADERS with END_STREAM after the DATA.
            assertTrue(log.matches("(?s).*recv DATA frame.*recv \\(stream_id=\\d+\\) x-checksum: 1234.*"), log);
            server.assertHealthy();
            assertEquals(body.length, server.bodyBytesReceived());
            long flowControlled = server.events(Event.DataReceived.class).stream()
                    .mapToLong(Event.DataReceived::flowControlledLength).sum();
            assertTrue(flowControlled > body.length, "padding counts against the windows: " + flowControlled);
            Event.TrailersReceived trailers = server.events(Event.TrailersReceived.class).get(0);
            assertEquals("1234", Bodies.value(trailers.headers(), "x-checksum"));
        }
    }

    @Test
    void nghttpUpgradesFromHttp11AndRunsMoreStreamsAfterwards() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-u", server.url("/bytes/50000"));
            assertEquals(0, r.exitCode(), r.describe());
            Bodies.assertSameBytes(Bodies.pattern(50_000), r.stdout(), "upgraded response");
            assertEquals(1, server.upgrades());

            Path log = directory.resolve("log.har");
            r = nghttp("-u", "-n", "-m", "4", "-r", log.toString(), server.url("/bytes/20000"));
            assertEquals(0, r.exitCode(), r.describe());
            List<Entry> entries = har(log);
            assertEquals(4, entries.size(), entries.toString());
            for (Entry e : entries) {
                assertEquals(new Entry("/bytes/20000", 200, 20_000), e);
            }
            assertEquals(2, server.upgrades());
            server.assertHealthy();
        }
    }

    @Test
    void nghttpSendsAHeaderBlockAcrossContinuationFrames() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-v", "-n", "--continuation", server.url("/"));
            assertEquals(0, r.exitCode(), r.describe());
            // nghttp logs the block, not its frames: a block longer than our SETTINGS_MAX_FRAME_SIZE (16384) must
            // have gone out as HEADERS plus CONTINUATION (RFC 9113 §6.10).
            Matcher block = Pattern.compile("send HEADERS frame <length=(\\d+)").matcher(r.out());
            assertTrue(block.find(), r.out());
            assertTrue(Integer.parseInt(block.group(1)) > 16384, block.group());
            assertTrue(r.out().contains(":status: 200"), r.out());
            server.assertHealthy();
            Event.RequestReceived request = server.events(Event.RequestReceived.class).get(0);
            int filler = request.headers().stream().filter(h -> h.name().startsWith("continuation-test-"))
                    .mapToInt(h -> h.value().length()).sum();
            assertTrue(filler > 16384, "the long fields arrived whole: " + filler);
        }
    }

    @Test
    void nghttpSeesTheResponseTrailers() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-v", "-n", "-H", "te: trailers", server.url("/trailers"));
            assertEquals(0, r.exitCode(), r.describe());
            assertTrue(r.out().matches("(?s).*recv DATA frame.*recv \\(stream_id=\\d+\\) x-trailer: yes\n"
                    + ".*recv \\(stream_id=\\d+\\) x-te: trailers\n.*END_STREAM.*"), r.out());
            server.assertHealthy();
        }
    }

    @Test
    void nghttpSeesGoAwayNamingItsStreamAsTheLastProcessed() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-v", server.url("/goaway"));
            assertEquals(0, r.exitCode(), r.describe());
            String log = r.out();
            assertTrue(log.contains("(last_stream_id=" + requestStream(log) + ", error_code=NO_ERROR(0x00)"), log);
            assertTrue(log.indexOf("recv DATA frame") < log.indexOf("recv GOAWAY frame"), log);
            assertTrue(log.contains(new String(EngineServer.HELLO)), log);
            server.assertHealthy();
        }
    }

    @Test
    void nghttpFinishesItsStreamAfterAGoAwayThatOvertookTheData() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-v", server.url("/goaway-before-data"));
            assertEquals(0, r.exitCode(), r.describe());
            String log = r.out();
            assertTrue(log.contains("(last_stream_id=" + requestStream(log) + ", error_code=NO_ERROR(0x00)"), log);
            assertTrue(log.indexOf("recv GOAWAY frame") < log.indexOf("recv DATA frame"), log);
            assertTrue(log.contains(new String(EngineServer.HELLO)), log);
            server.assertHealthy();
        }
    }

    @Test
    void nghttpWaitsForOneHundredContinueThenUploads() throws Exception {
        Path upload = directory.resolve("upload.bin");
        Files.write(upload, Bodies.pattern(100_000));
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = nghttp("-v", "-n", "--expect-continue", "-d", upload.toString(), server.url("/echo"));
            assertEquals(0, r.exitCode(), r.describe());
            String log = r.out();
            int interim = log.indexOf(":status: 100");
            assertTrue(interim > 0, log);
            assertTrue(log.indexOf("send DATA frame") > interim, "the body waited for the 100: " + log);
            assertTrue(log.indexOf(":status: 200") > interim, log);
            assertEquals(100_000, server.bodyBytesReceived());
            server.assertHealthy();
        }
    }

    /** The stream of nghttp's (first) request in its -v log. */
    private static String requestStream(String log) {
        Matcher request = Pattern.compile("send HEADERS frame <length=\\d+, flags=0x\\p{XDigit}+, stream_id=(\\d+)>")
                .matcher(log);
        assertTrue(request.find(), log);
        return request.group(1);
    }
}
