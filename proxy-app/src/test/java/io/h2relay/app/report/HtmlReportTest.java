package io.h2relay.app.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {

    @TempDir
    Path dir;

    /** Ten seconds of a made-up run: 200s and a few 503s, a latency spike in second 6, one timeout. */
    static RunData sample() {
        List<Interval> intervals = new ArrayList<>();
        long start = 1_700_000_000_000L;
        for (int s = 0; s < 10; s++) {
            Histogram corrected = new Histogram(3);
            Histogram uncorrected = new Histogram(3);
            Histogram ok = new Histogram(3);
            Histogram unavailable = new Histogram(3);
            for (int i = 0; i < 1000; i++) {
                long micros = 400 + (i % 50) * 10 + (s == 6 ? 200_000 : 0);
                corrected.recordValue(micros);
                uncorrected.recordValue(s == 6 && i > 0 ? 500 : micros);
                (i % 100 == 0 ? unavailable : ok).recordValue(micros);
            }
            Map<String, Histogram> byTag = new java.util.HashMap<>(Map.of(Interval.CORRECTED, corrected,
                    Interval.UNCORRECTED, uncorrected, Interval.STATUS + "200", ok, Interval.STATUS + "503",
                    unavailable));
            if (s == 6) {
                Histogram timeout = new Histogram(3);
                timeout.recordValue(30_000_000);
                byTag.put(Interval.ERROR + "timeout", timeout);
            }
            intervals.add(new Interval(start + s * 1000L, start + (s + 1) * 1000L, byTag));
        }
        return new RunData("sample.har -> h2c://127.0.0.1:8081", intervals, 12_345, 1_024_000, 1000);
    }

    @Test
    void textSummaryHasTheNumbersOfTheRun() {
        String text = TextReport.render(sample());
        assertTrue(text.contains("requests     10000 in 10.0 s, asked 1000.0/s"), text);
        assertTrue(text.contains("throughput   1000.0 req/s"), text);
        assertTrue(text.contains("status       200: 9900, 503: 100"), text);
        assertTrue(text.contains("errors       timeout: 1"), text);
        assertTrue(text.contains("bytes        sent 12345, received 1024000"), text);
        for (String p : List.of("p50 ", "p90 ", "p99 ", "p99.9 ", "p99.99 ", "max ")) {
            assertTrue(text.contains("\n" + p), p + " in\n" + text);
        }
    }

    @Test
    void htmlIsSelfContained() {
        String html = HtmlReport.render(sample());
        assertEquals(4, html.split("<svg", -1).length - 1, "four charts");
        assertFalse(html.contains("http://") && html.replace("http://www.w3.org/2000/svg", "").contains("http://"),
                "nothing fetched from the network");
        assertFalse(html.contains("<script"), "no scripts");
        assertFalse(html.contains("https://"));
        assertTrue(html.contains("Latency over time") && html.contains("Latency by percentile")
                && html.contains("Throughput over time") && html.contains("Status codes"));
    }

    /** Headless Chromium renders the report: the screenshot exists and shows more than a blank page. */
    @Test
    void headlessChromiumRendersTheReport() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        if (!Files.isExecutable(chromium)) {
            fail("chromium is not installed at " + chromium + " (Debian package chromium; ./test installs it)");
        }
        Path html = dir.resolve("report.html");
        Files.writeString(html, HtmlReport.render(sample()), StandardCharsets.UTF_8);
        Path png = dir.resolve("report.png");
        Path profile = Files.createDirectory(dir.resolve("profile"));
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1200,1600",
                html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 90 s; log: " + Files.readString(dir.resolve("chromium.log")));
        }
        assertTrue(Files.isRegularFile(png), "no screenshot; chromium said: "
                + Files.readString(dir.resolve("chromium.log")));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1200, image.getWidth());
        assertTrue(distinctColours(image) > 20, "the screenshot looks blank");
        String keep = System.getProperty("h2relay.report.screenshot");
        if (keep != null) {
            Files.copy(png, Path.of(keep), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static int distinctColours(BufferedImage image) throws IOException {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
