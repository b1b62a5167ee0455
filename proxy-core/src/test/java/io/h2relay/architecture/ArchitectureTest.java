package io.h2relay.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * Dependency direction (DESIGN.md): {@code frame} and {@code hpack} see only {@code java.base}; the engine sees
 * those two and {@code java.base}; the HTTP/1.1 codec sees only {@code java.base}. None of them may touch a clock,
 * a socket or a lock. Checked on the compiled classes with the JDK's own {@code jdeps}, so fully qualified uses
 * count as much as imports.
 */
class ArchitectureTest {

    private static final Path CLASSES = Path.of("target", "classes");

    /** Package -> the io.h2relay packages it may use besides itself. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "io.h2relay.hpack", Set.of(),
            "io.h2relay.frame", Set.of(),
            "io.h2relay.engine", Set.of("io.h2relay.engine.priority", "io.h2relay.frame", "io.h2relay.hpack"),
            "io.h2relay.engine.priority", Set.of(),
            "io.h2relay.http1", Set.of());

    /** java.base classes that would give a sans-IO layer I/O, time or threads of its own. */
    private static final List<String> FORBIDDEN_PREFIXES = List.of(
            "java.time.Clock", "java.time.Instant", "java.net.", "java.nio.channels.", "java.util.concurrent.",
            "java.lang.Thread", "java.lang.System$Logger", "java.util.logging.");

    // "   io.h2relay.hpack.HpackDecoder -> java.lang.String    java.base"
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.*)$");

    @Test
    void sansIoLayersUseOnlyJavaBaseAndTheLayersBelowThem() {
        assertTrue(Files.isDirectory(CLASSES), "compiled classes missing at " + CLASSES.toAbsolutePath());
        List<String> violations = new ArrayList<>();
        for (String edge : dependencyEdges()) {
            Matcher m = EDGE.matcher(edge);
            if (!m.matches()) {
                continue;
            }
            String from = m.group(1);
            String to = m.group(2);
            String where = m.group(3).trim();
            String fromPackage = packageOf(from);
            Set<String> allowed = ALLOWED.get(fromPackage);
            if (allowed == null) {
                continue; // the runtime and the app may use anything
            }
            String toPackage = packageOf(to);
            boolean ownLayer = toPackage.equals(fromPackage) || allowed.contains(toPackage);
            boolean javaBase = where.equals("java.base");
            boolean forbiddenBase = FORBIDDEN_PREFIXES.stream().anyMatch(to::startsWith);
            if (to.startsWith("io.h2relay.")) {
                if (!ownLayer) {
                    violations.add(from + " -> " + to);
                }
            } else if (!javaBase || forbiddenBase) {
                violations.add(from + " -> " + to + " (" + where + ")");
            }
        }
        assertEquals(List.of(), violations, "forbidden dependencies in the sans-IO layers");
    }

    @Test
    void theCheckSeesTheSansIoPackages() {
        // Guards against a vacuous pass: the check must actually have found classes of the layers it guards.
        Set<String> seen = new TreeSet<>();
        for (String edge : dependencyEdges()) {
            Matcher m = EDGE.matcher(edge);
            if (m.matches() && ALLOWED.containsKey(packageOf(m.group(1)))) {
                seen.add(packageOf(m.group(1)));
            }
        }
        assertTrue(seen.contains("io.h2relay.hpack") && seen.contains("io.h2relay.frame"),
                "jdeps found no classes of hpack/frame; saw " + seen);
    }

    private static List<String> dependencyEdges() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("jdeps missing from the JDK"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(err),
                "-verbose:class", "-filter:none", CLASSES.toString());
        assertEquals(0, rc, "jdeps failed: " + err);
        return out.toString().lines().toList();
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }
}
