package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarBodies;
import io.h2relay.app.har.HarJson;
import io.h2relay.app.report.HistogramLogs;
import io.h2relay.app.report.Interval;
import io.h2relay.app.report.RunData;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code h2relay replay} in this JVM against the built-in origin. */
class ReplayCommandTest {

    static Origins origin;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        origin = new Origins();
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
    }

    Path resource(String name) throws Exception {
        Path file = dir.resolve(name);
        try (InputStream in = getClass().getResourceAsStream("/har/" + name)) {
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
        }
        return file;
    }

    @Test
    void replaysAChromiumExportAsItIs() throws Exception {
        Path har = resource("chromium.har");
        Path saved = dir.resolve("replayed.har");
        Path hlog = dir.resolve("run.hlog");
        Run run = Run.of("replay", har.toString(), "--target", origin.h2c(), "--concurrency", "2", "--iterations",
                "2", "--save-responses", saved.toString(), "--hlog", hlog.toString());
        assertEquals(0, run.status(), run.err() + run.out());
        assertTrue(run.out().contains("200: 8, 404: 2"), run.out());
        assertTrue(run.out().contains("errors       none"), run.out());
        List<Har.Entry> replayed = HarJson.read(saved).log().entries();
        assertEquals(10, replayed.size());
        Har.Entry recordedPost = HarJson.read(har).log().entries().get(3);
        int echoes = 0;
        int cookies = 0;
        for (Har.Entry e : replayed) {
            if (e.request().url().equals("/echo")) {
                Har.Content c = e.response().content();
                assertEquals(recordedPost.request().postData().text(),
                        new String(HarBodies.decode(c.text(), c.encoding())));
                echoes++;
            }
            if (e.request().url().startsWith("/bytes/2048")) {
                assertEquals(2048, e.response().content().size());
            }
            assertEquals("h2", e.request().httpVersion());
            assertTrue(e.request().headers().stream().noneMatch(h -> h.name().startsWith(":")));
            if (e.request().headers().stream().anyMatch(h -> h.name().equals("cookie"))) {
                cookies++;
            }
        }
        assertEquals(2, echoes);
        assertEquals(2, cookies, "recorded credentials are replayed when the file has them");
        RunData fromLog = HistogramLogs.merge(List.of(hlog));
        assertEquals(10, fromLog.requests());
        assertEquals(Map.of(200, 8L, 404, 2L), fromLog.statuses());
        assertEquals(2 * 40, fromLog.bytesSent());
    }

    @Test
    void replaysAFirefoxExportWithHeaderRules() throws Exception {
        Path saved = dir.resolve("ff.har");
        Run run = Run.of("replay", resource("firefox.har").toString(), "--target", origin.h2c(), "--speed", "10x",
                "-H", "x-replay: yes", "--remove-header", "cookie", "--save-responses", saved.toString());
        assertEquals(0, run.status(), run.err() + run.out());
        assertTrue(run.out().contains("200: 3"), run.out());
        for (Har.Entry e : HarJson.read(saved).log().entries()) {
            List<String> names = e.request().headers().stream().map(Har.NameValue::name).toList();
            assertTrue(names.contains("x-replay"), names.toString());
            assertTrue(!names.contains("cookie") && !names.contains("host") && !names.contains("connection"),
                    names.toString());
            if (e.request().url().startsWith("/echo")) {
                Har.Content c = e.response().content();
                assertEquals("q=http2+proxy&page=1&x=y", new String(HarBodies.decode(c.text(), c.encoding())));
            }
        }
    }

    /**
     * A target that stalls for a second behind one stream: the requests due meanwhile wait, and only the latency
     * counted from their due time shows it (wrk2's coordinated-omission correction).
     */
    @Test
    void correctedLatencyShowsAStallTheUncorrectedHides() throws Exception {
        List<Har.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String path = i == 20 ? "/delay/1000" : "/bytes/10";
            entries.add(new Har.Entry(null, null, null, new Har.Request("GET", "http://origin" + path, "h2", null,
                    List.of(), null, null, null, null, null), null, null, null, null, null, null));
        }
        Path har = dir.resolve("stall.har");
        HarJson.write(new Har.File(new Har.Log("1.2", new Har.Creator("test", "1", null), null, null, entries,
                null)), har);
        Path hlog = dir.resolve("stall.hlog");
        Run run = Run.of("replay", har.toString(), "--target", origin.h2c(), "--rate", "100/s",
                "--streams-per-connection", "1", "--hlog", hlog.toString());
        assertEquals(0, run.status(), run.err() + run.out());
        RunData data = HistogramLogs.merge(List.of(hlog));
        assertEquals(200, data.requests());
        long corrected = data.total(Interval.CORRECTED).getValueAtPercentile(99);
        long uncorrected = data.total(Interval.UNCORRECTED).getValueAtPercentile(99);
        assertTrue(corrected >= 500_000, "corrected p99 " + corrected + " µs should show most of the 1 s stall");
        assertTrue(corrected > 5 * uncorrected, "corrected p99 " + corrected + " µs vs uncorrected " + uncorrected);
        assertTrue(data.total(Interval.UNCORRECTED).getMaxValue() >= 1_000_000, "the stalled request itself");
    }

    @Test
    void badFlagsAreUsageErrors() throws Exception {
        Path har = resource("firefox.har");
        Run both = Run.of("replay", har.toString(), "--target", origin.h2c(), "--rate", "10/s", "--concurrency", "2");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("choose one of --rate, --speed and --concurrency"), both.err());
        Run rate = Run.of("replay", har.toString(), "--target", origin.h2c(), "--rate", "fast");
        assertEquals(2, rate.status());
        assertTrue(rate.err().contains("--rate 'fast'"), rate.err());
        Run missing = Run.of("replay", dir.resolve("nope.har").toString(), "--target", origin.h2c());
        assertEquals(2, missing.status());
        assertTrue(missing.err().contains("cannot read"), missing.err());
    }

    @Test
    void shardsReplayDisjointSlicesThatAddUpToTheRecording() throws Exception {
        Path har = resource("chromium.har");
        long total = 0;
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path hlog = dir.resolve("shard-" + i + ".hlog");
            logs.add(hlog);
            Run run = Run.of("replay", har.toString(), "--target", origin.h2c(), "--concurrency", "4", "--shard",
                    i + "/2", "--hlog", hlog.toString());
            assertEquals(0, run.status(), run.err() + run.out());
            total += HistogramLogs.merge(List.of(hlog)).requests();
        }
        assertEquals(5, total);
        Path html = dir.resolve("merged.html");
        Run merged = Run.of("report", "merge", logs.get(0).toString(), logs.get(1).toString(), "--html",
                html.toString());
        assertEquals(0, merged.status(), merged.err());
        assertTrue(merged.out().contains("requests     5 "), merged.out());
        assertTrue(merged.out().contains("200: 4, 404: 1"), merged.out());
        assertTrue(Files.readString(html).contains("<svg"));
    }
}
