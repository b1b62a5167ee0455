package io.h2relay.app;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * {@code java -jar h2relay.jar ...}: the {@code h2relay} command ({@link H2relay}). Exit status: 0 done, 1 failed
 * while running (a port already taken, say), 2 the command line or the configuration is wrong.
 */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        int status = run(home(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        Lifecycle.exit(status);
    }

    /** Runs one command line; what {@link #main} does short of exiting, for tests. */
    static int run(Path home, PrintWriter out, PrintWriter err, String... args) {
        return H2relay.commandLine(home, out, err).execute(args);
    }

    /**
     * Where {@code conf/h2relay.conf} is looked for: the {@code h2relay.home} system property (the launcher sets it
     * to the checkout, the container image to its install directory), else the working directory.
     */
    static Path home() {
        String home = System.getProperty("h2relay.home");
        return home == null || home.isBlank() ? Path.of("") : Path.of(home);
    }
}
