package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.h2relay.config.ConfigLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** deploy/systemd/h2relay.service: systemd's own verifier, and the settings the drain and sandbox depend on. */
class SystemdUnitTest {

    private static final Path UNIT = Repo.file("deploy/systemd/h2relay.service");

    /** Section → key → value; a repeated key keeps its last value, as systemd does for these keys. */
    private static Map<String, Map<String, String>> parse(Path unit) throws IOException {
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        int n = 0;
        for (String line : Files.readAllLines(unit)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.startsWith(";")) {
                continue;
            }
            if (t.startsWith("[") && t.endsWith("]")) {
                current = sections.computeIfAbsent(t.substring(1, t.length() - 1), s -> new LinkedHashMap<>());
                continue;
            }
            int eq = t.indexOf('=');
            if (current == null || eq <= 0) {
                fail(unit + ":" + n + ": not a section header or key=value: " + line);
            }
            current.put(t.substring(0, eq).strip(), t.substring(eq + 1).strip());
        }
        return sections;
    }

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutWarnings() throws Exception {
        Path tool = Path.of("/usr/bin/systemd-analyze");
        assertTrue(Files.isExecutable(tool), "systemd-analyze is missing: install the Debian package systemd");
        Process p = new ProcessBuilder(tool.toString(), "verify", UNIT.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "systemd-analyze did not finish");
        // It exits 0 on unknown keys and unparsable values ("ignoring"), so any output is a failure too.
        assertEquals(0, p.exitValue(), output);
        assertEquals("", output.strip());
    }

    @Test
    void stopDrainsWithinTheStopTimeout() throws IOException {
        Map<String, String> service = parse(UNIT).get("Service");
        assertEquals("exec", service.get("Type"));
        assertEquals("SIGTERM", service.get("KillSignal"));
        assertEquals("on-failure", service.get("Restart"));
        Duration stop = Duration.ofSeconds(Long.parseLong(service.get("TimeoutStopSec").replace("s", "")));
        Duration drain = ConfigLoader.load(Repo.file("deploy/h2relay.conf")).timeouts().drain();
        assertTrue(stop.compareTo(drain.plus(Lifecycle.STOP_MARGIN)) >= 0,
                "TimeoutStopSec " + stop + " leaves no room for a " + drain + " drain and the actor system's stop");
    }

    @Test
    void reloadSendsSighupToTheJavaProcess() throws IOException {
        // serve replaces the JVM's SIGHUP behaviour (run the shutdown hooks) with a configuration reload; Type=exec
        // makes $MAINPID the java process itself.
        Map<String, String> service = parse(UNIT).get("Service");
        assertEquals("/bin/kill -HUP $MAINPID", service.get("ExecReload"));
        assertEquals("exec", service.get("Type"));
    }

    @Test
    void runsTheJarServingTheInstalledConfigurationUnprivileged() throws IOException {
        Map<String, String> service = parse(UNIT).get("Service");
        List<String> exec = List.of(service.get("ExecStart").split("\\s+"));
        assertTrue(exec.get(0).endsWith("/java"), exec.toString());
        assertTrue(exec.containsAll(List.of("-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError")), exec.toString());
        String tail = String.join(" ", exec.subList(exec.indexOf("-jar"), exec.size()));
        assertEquals("-jar /opt/h2relay/h2relay.jar serve --config /etc/h2relay/h2relay.conf", tail);
        assertEquals("yes", service.get("DynamicUser"));
        assertEquals("", service.get("CapabilityBoundingSet"));
        assertEquals("strict", service.get("ProtectSystem"));
        assertEquals("yes", service.get("NoNewPrivileges"));
        // The JIT writes then executes code; this setting would crash the JVM at start.
        assertFalse("yes".equals(service.get("MemoryDenyWriteExecute")));
        assertEquals("multi-user.target", parse(UNIT).get("Install").get("WantedBy"));
    }
}
