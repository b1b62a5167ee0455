package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.config.CommandLineOverrides;
import io.h2relay.config.ConfigLoader;
import io.h2relay.config.ProxyConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckConfigCommandTest {

    /** {@code file:line: h2relay.key: message}, as docs/configuration.md shows. */
    private static final Pattern LOCATED = Pattern.compile("^(.+):(\\d+): (h2relay\\.[^:]+): (.+)$");

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static void assertNoStackTrace(Run run) {
        assertFalse(run.err().contains("Exception"), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void theDefaultConfigurationIsValidAndPrintedWithItsDefaults() {
        Run run = Run.of("check-config");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().startsWith("# h2relay " + Version.current() + ": valid configuration from file "
                + Repo.home().resolve("conf/h2relay.conf")), run.out());
        assertTrue(run.out().contains("address = \"127.0.0.1:8080\""), run.out());
        assertTrue(run.out().contains("endpoints = [\"h2c://127.0.0.1:8081\"]"), run.out());
        assertTrue(run.out().contains("drain = 30s"), run.out()); // a default, from reference.conf
        assertEquals("", run.err());
    }

    @Test
    void printedConfigurationLoadsBackToTheSameSettings() {
        for (String file : List.of("conf/h2relay.conf", "conf/examples/multi-site.conf", "deploy/h2relay.conf")) {
            Path path = Repo.file(file);
            Run run = Run.of("check-config", "--config", path.toString());
            assertEquals(0, run.status(), file + ": " + run.err());
            assertEquals(ConfigLoader.load(path), ConfigLoader.parse(run.out(), "check-config output"), file);
        }
    }

    @Test
    void printedConfigurationOfFlagsAloneLoadsBackToTheSameSettings() {
        Run run = Run.of("check-config", "--listen", "[::1]:0", "--upstream", "h2c://127.0.0.1:9000",
                "--upstream", "h2c://backend.example:9001");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("valid configuration from no file, --listen [::1]:0"), run.out());
        ProxyConfig expected = ConfigLoader.fromCommandLine(new CommandLineOverrides(List.of("[::1]:0"),
                List.of("h2c://127.0.0.1:9000", "h2c://backend.example:9001")));
        assertEquals(expected, ConfigLoader.parse(run.out(), "check-config output"));
    }

    @Test
    void invalidFileGivesOneLocatedLinePerProblemAndExitStatus2() throws IOException {
        Path file = write("bad.conf", """
                h2relay {
                  listeners {
                    main { adress = "127.0.0.1:8080" }
                  }
                  clusters {
                    api { endpoints = ["h2c://127.0.0.1:9000"], conect-timeout = 2s }
                  }
                }
                """);
        Run run = Run.of("check-config", "--config", file.toString());
        assertEquals(2, run.status());
        assertEquals("", run.out());
        List<String> lines = run.err().lines().toList();
        assertEquals(2, lines.size(), run.err()); // unknown keys are reported together
        var first = LOCATED.matcher(lines.get(0));
        assertTrue(first.matches(), lines.get(0));
        assertEquals(file.toString(), first.group(1));
        assertEquals("3", first.group(2));
        assertEquals("h2relay.listeners.main.adress", first.group(3));
        assertTrue(first.group(4).contains("did you mean 'address'?"), first.group(4));
        var second = LOCATED.matcher(lines.get(1));
        assertTrue(second.matches(), lines.get(1));
        assertEquals("6", second.group(2));
        assertEquals("h2relay.clusters.api.conect-timeout", second.group(3));
        assertNoStackTrace(run);
    }

    @Test
    void badValueNamesItsKeyAndLine() throws IOException {
        Path file = write("scheme.conf", """
                h2relay.clusters.api.endpoints = ["ftp://127.0.0.1:21"]
                h2relay.routes.all.cluster = api
                """);
        Run run = Run.of("check-config", "--config", file.toString());
        assertEquals(2, run.status());
        assertEquals(file + ":1: h2relay.clusters.api.endpoints[0]: unsupported scheme 'ftp' "
                + "(use h2c://, http://, h2:// or https://)", run.err().strip());
    }

    @Test
    void syntaxErrorNamesTheLine() throws IOException {
        Path file = write("syntax.conf", "h2relay {\n  listeners {\n    main { address = \n}\n");
        Run run = Run.of("check-config", "--config", file.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith(file + ":"), run.err());
        assertNoStackTrace(run);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nowhere.conf");
        Run run = Run.of("check-config", "--config", missing.toString());
        assertEquals(2, run.status());
        assertTrue(run.err().contains("nowhere.conf"), run.err());
        assertTrue(run.err().contains("no such file"), run.err());
        assertNoStackTrace(run);
    }

    @Test
    void badFlagValueNamesTheFlag() {
        Run run = Run.of("check-config", "--upstream", "ftp://127.0.0.1:21");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("command line --upstream: h2relay.clusters.upstream.endpoints[0]: "
                + "unsupported scheme 'ftp'"), run.err());
    }

    @Test
    void serveRejectsAnInvalidFileTheSameWayBeforeStartingAnything() throws IOException {
        Path file = write("bad.conf", "h2relay.timeouts.drain = -1s\n");
        Run run = Run.of("serve", "--config", file.toString());
        assertEquals(2, run.status());
        assertTrue(LOCATED.matcher(run.err().strip()).matches(), run.err());
        assertTrue(run.err().contains("h2relay.timeouts.drain"), run.err());
        assertEquals("", run.out());
    }

    @Test
    void originRejectsABadAddressNamingTheFlag() {
        Run run = Run.of("origin", "--listen", "127.0.0.1:99999");
        assertEquals(2, run.status());
        assertTrue(run.err().startsWith("command line --listen: h2relay.origin.address: "), run.err());
        assertTrue(run.err().contains("out of range"), run.err());
    }
}
