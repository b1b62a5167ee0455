package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.engine.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** h2load (nghttp2's load generator) against the engine's server side: thousands of requests, none lost. */
class H2loadInteropTest {

    private static final Pattern REQUESTS = Pattern.compile(
            "requests: (\\d+) total, (\\d+) started, (\\d+) done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored,"
                    + " (\\d+) timeout");
    private static final Pattern STATUS = Pattern.compile("status codes: (\\d+) 2xx, (\\d+) 3xx, (\\d+) 4xx,"
            + " (\\d+) 5xx");

    @TempDir
    Path directory;

    private static void assertAllSucceeded(Programs.Result r, int requests) {
        assertEquals(0, r.exitCode(), r.describe());
        Matcher m = REQUESTS.matcher(r.out());
        assertTrue(m.find(), r.describe());
        String expected = requests + " total, " + requests + " started, " + requests + " done, " + requests
                + " succeeded, 0 failed, 0 errored, 0 timeout";
        assertEquals(expected, m.group().substring("requests: ".length()), r.out());
        Matcher s = STATUS.matcher(r.out());
        assertTrue(s.find(), r.out());
        assertEquals(requests + " 2xx, 0 3xx, 0 4xx, 0 5xx", s.group().substring("status codes: ".length()));
    }

    @Test
    void h2loadCompletesTwoThousandRequestsOnFourConnections() throws Exception {
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = Programs.run(List.of(Programs.require("h2load", "nghttp2-client"), "-n", "2000", "-c",
                    "4", "-m", "10", server.url("/")), directory, 60);
            assertAllSucceeded(r, 2000);
            assertTrue(r.out().contains("Application protocol: h2c"), r.out());
            assertEquals(4, server.connections());
            assertEquals(2000, server.responses());
            server.assertHealthy();
        }
    }

    @Test
    void h2loadEchoesFiveHundredUploadsOfTenKilobytes() throws Exception {
        Path upload = directory.resolve("upload.bin");
        Files.write(upload, Bodies.pattern(10_000));
        try (EngineServer server = EngineServer.start()) {
            Programs.Result r = Programs.run(List.of(Programs.require("h2load", "nghttp2-client"), "-n", "500", "-c",
                    "2", "-m", "20", "-d", upload.toString(), server.url("/echo")), directory, 60);
            assertAllSucceeded(r, 500);
            assertEquals(500L * 10_000, server.bodyBytesReceived());
            server.assertHealthy();
            assertEquals(500, server.events(Event.RequestReceived.class).size());
        }
    }
}
