package io.h2relay.app;

import static io.h2relay.app.LauncherIT.LISTENER;
import static io.h2relay.app.LauncherIT.ORIGIN;
import static io.h2relay.app.LauncherIT.READY;
import static io.h2relay.app.LauncherIT.curl;
import static io.h2relay.app.LauncherIT.launcher;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.app.har.Har;
import io.h2relay.app.har.HarJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The user's round trip with {@code ./h2relay}: {@code serve --record} while curl goes through the proxy, SIGTERM,
 * then {@code replay} of the file against the origin with histogram log and HTML report, then {@code report merge}.
 */
class RecordReplayIT {

    @TempDir
    Path cwd;

    @Test
    void serveRecordsThenReplayAndReportMergeRunFromTheLauncher() throws Exception {
        Path har = cwd.resolve("traffic.har");
        try (Proc origin = Proc.start(cwd, launcher("origin", "--listen", "127.0.0.1:0"))) {
            String originAddress = origin.awaitLine(ORIGIN).group(1);
            try (Proc proxy = Proc.start(cwd, launcher("serve", "--listen", "127.0.0.1:0", "--upstream",
                    "h2c://" + originAddress, "--record", har.toString()))) {
                String listen = proxy.awaitLine(LISTENER).group(2);
                proxy.awaitLine(READY);
                assertEquals("2 200 16", curl(cwd, "http://" + listen + "/bytes/16"));
                assertEquals("2 418 0", curl(cwd, "http://" + listen + "/status/418"));
                assertEquals("2 200 5", curl(cwd, "http://" + listen + "/bytes/5"));
                assertEquals(0, proxy.terminate(), proxy.err());
                assertTrue(proxy.out().contains("h2relay: recording exchanges to " + har), proxy.out());
            }
            List<Har.Entry> entries = HarJson.read(har).log().entries();
            // Entries are appended as exchanges end, which need not be the order they started in.
            assertEquals(List.of("/bytes/16", "/status/418", "/bytes/5"), entries.stream()
                    .sorted(java.util.Comparator.comparing(Har.Entry::startedDateTime))
                    .map(e -> e.request().url().substring(e.request().url().indexOf('/', 8))).toList());

            Path hlog = cwd.resolve("run.hlog");
            Path html = cwd.resolve("run.html");
            String out = Proc.run(cwd, launcher("replay", har.toString(), "--target", "h2c://" + originAddress,
                    "--rate", "20/s", "--iterations", "4", "--hlog", hlog.toString(), "--html", html.toString())
                    .toArray(new String[0]));
            assertTrue(out.contains("status       200: 8, 418: 4"), out);
            assertTrue(Files.readString(html).contains("<svg"), "HTML report written");
            String merged = Proc.run(cwd, launcher("report", "merge", hlog.toString()).toArray(new String[0]));
            assertTrue(merged.contains("requests     12 "), merged);
            assertTrue(merged.contains("status       200: 8, 418: 4"), merged);
            assertEquals(0, origin.terminate(), origin.err());
        }
    }
}
