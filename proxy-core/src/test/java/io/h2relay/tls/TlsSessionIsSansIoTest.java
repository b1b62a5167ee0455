package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The driver the connection actor runs (DESIGN.md, "TLS stays sans-IO") uses no sockets, files, threads, clocks or
 * BouncyCastle: only java.base's buffers and javax.net.ssl. Checked on the compiled classes with the JDK's jdeps.
 */
class TlsSessionIsSansIoTest {

    private static final Path CLASSES = Path.of("target", "classes", "io", "h2relay", "tls");
    private static final List<String> FORBIDDEN = List.of("java.net.", "java.nio.channels.", "java.nio.file.",
            "java.io.File", "java.util.concurrent.", "java.lang.Thread", "java.time.", "org.bouncycastle.");
    // "   io.h2relay.tls.TlsSession -> java.nio.ByteBuffer    java.base"
    private static final Pattern EDGE = Pattern.compile("^\\s+(\\S+)\\s+->\\s+(\\S+)\\s+(.*)$");

    @Test
    void theDriverAndItsExceptionDependOnNothingButBuffersAndTheSslEngine() {
        List<String> files = new ArrayList<>();
        for (String name : List.of("TlsSession.class", "TlsException.class", "TlsException$Kind.class")) {
            Path file = CLASSES.resolve(name);
            assertTrue(Files.isRegularFile(file), "compiled class missing: " + file.toAbsolutePath());
            files.add(file.toString());
        }
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow(() -> new AssertionError("no jdeps"));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> arguments = new ArrayList<>(List.of("-verbose:class", "-filter:none"));
        arguments.addAll(files);
        assertEquals(0, jdeps.run(new PrintWriter(out), new PrintWriter(err), arguments.toArray(new String[0])),
                err.toString());
        List<String> violations = new ArrayList<>();
        int edges = 0;
        for (String line : out.toString().lines().toList()) {
            Matcher edge = EDGE.matcher(line);
            if (!edge.matches()) {
                continue;
            }
            edges++;
            String target = edge.group(2);
            boolean ours = target.startsWith("io.h2relay.tls.TlsSession")
                    || target.startsWith("io.h2relay.tls.TlsException");
            boolean base = edge.group(3).trim().equals("java.base") || target.startsWith("io.h2relay.");
            if ((target.startsWith("io.h2relay.") && !ours) || !base
                    || FORBIDDEN.stream().anyMatch(target::startsWith)) {
                violations.add(edge.group(1) + " -> " + target);
            }
        }
        assertTrue(edges > 10, "jdeps reported the class's dependencies:\n" + out);
        assertEquals(List.of(), violations);
    }
}
