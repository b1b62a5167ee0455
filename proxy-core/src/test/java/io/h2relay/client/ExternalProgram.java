package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server program started for a test: its output goes to a log file, readiness is a line it prints, and
 * {@link #close()} kills exactly this process. A missing program fails the test naming its Debian package.
 */
final class ExternalProgram implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ExternalProgram(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Fails unless {@code program} is on the PATH (or in /usr/sbin, where Debian puts daemons). */
    static String require(String program, String debianPackage) {
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(File.pathSeparator)));
        }
        directories.addAll(List.of("/usr/sbin", "/sbin", "/usr/bin"));
        for (String directory : directories) {
            Path candidate = Path.of(directory, program);
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        fail(program + " is not installed: install the Debian package '" + debianPackage + "' (./test does)");
        return null;
    }

    /** A port free a moment ago on the loopback interface. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /**
     * Starts {@code command} and waits until it accepts TCP connections on {@code port} of the loopback address (at
     * most 15 s; the program is killed and the test fails otherwise, showing its output).
     */
    static ExternalProgram start(List<String> command, Path directory, int port) throws Exception {
        Path log = Files.createTempFile(directory, "server", ".log");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(log.toFile())
                .redirectErrorStream(true)
                .start();
        ExternalProgram program = new ExternalProgram(process, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!accepts(port)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String text = program.log();
                program.close();
                fail(command + " did not start listening on port " + port + ":\n" + text);
            }
            // Another process's start-up has no event to wait on: probe again shortly.
            process.waitFor(20, TimeUnit.MILLISECONDS);
        }
        return program;
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.ISO_8859_1);
    }

    /** Kills the process (SIGTERM, then SIGKILL after 5 s) and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
