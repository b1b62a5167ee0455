package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests read (conf/, deploy/, the launcher): {@code h2relay.home}, which Maven passes. */
final class Repo {

    private Repo() {}

    static Path home() {
        String property = System.getProperty("h2relay.home");
        Path home = (property == null ? Path.of("..") : Path.of(property)).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(home.resolve("conf/h2relay.conf")),
                "no checkout at " + home + " (conf/h2relay.conf missing); set -Dh2relay.home");
        return home;
    }

    static Path file(String relative) {
        Path p = home().resolve(relative);
        assertTrue(Files.isRegularFile(p), "missing " + p);
        return p;
    }
}
