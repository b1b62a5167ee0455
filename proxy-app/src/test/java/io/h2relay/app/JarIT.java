package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar (target/h2relay.jar) as built by {@code package}: its merged resources, and that it starts. */
class JarIT {

    static Path jar() {
        String property = System.getProperty("h2relay.jar");
        Path jar = property != null ? Path.of(property) : Repo.home().resolve("proxy-app/target/h2relay.jar");
        assertTrue(Files.isRegularFile(jar), "no shaded jar at " + jar + "; run mvn -pl proxy-app -am verify");
        return jar;
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String entry(JarFile jar, String name) throws IOException {
        var e = jar.getEntry(name);
        assertNotNull(e, name + " is missing from " + jar.getName());
        try (InputStream in = jar.getInputStream(e)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void everyReferenceConfIsAppendedIntoOne() throws IOException {
        try (JarFile jar = new JarFile(jar().toFile())) {
            String reference = entry(jar, "reference.conf");
            // pekko-actor, -actor-typed, -stream, -slf4j and proxy-core each bring one.
            for (String key : List.of("default-dispatcher", "typed {", "materializer {", "h2relay {")) {
                assertTrue(reference.contains(key), "reference.conf lacks '" + key + "'");
            }
            assertTrue(entry(jar, "version.conf").contains("pekko.version"));
            assertTrue(entry(jar, "application.conf").contains("worker-dispatcher = \"pekko.actor.default-dispatcher\""));
            assertTrue(entry(jar, "META-INF/services/org.slf4j.spi.SLF4JServiceProvider")
                    .contains("ch.qos.logback.classic.spi.LogbackServiceProvider"));
            assertEquals("io.h2relay.app.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertFalse(jar.stream().anyMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|DSA|EC)")),
                    "signature files of shaded jars would make the jar fail verification");
        }
    }

    @Test
    void jarStartsAndPrintsItsVersion(@TempDir Path cwd) throws InterruptedException {
        String out = Proc.run(cwd, java(), "-jar", jar().toString(), "--version");
        assertTrue(out.startsWith("h2relay " + Version.current() + "\n"), out);
        assertTrue(out.contains("Pekko 1.7.0"), out);
    }

    @Test
    void jarReportsABadConfigurationAsOneLocatedLineAndExitStatus2(@TempDir Path cwd) throws Exception {
        Path bad = cwd.resolve("bad.conf");
        Files.writeString(bad, "h2relay.listeners.main.address = \"127.0.0.1:http\"\n");
        try (Proc p = Proc.start(cwd, List.of(java(), "-jar", jar().toString(), "serve", "--config", bad.toString()))) {
            assertEquals(2, p.await());
            assertEquals(bad + ":1: h2relay.listeners.main.address: '127.0.0.1:http': port 'http' is not a number\n",
                    p.err());
        }
    }
}
