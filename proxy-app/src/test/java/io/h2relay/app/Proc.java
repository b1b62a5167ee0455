package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A program the tests start: its output collected line by line, stopped with SIGTERM. */
final class Proc implements AutoCloseable {

    /** Generous: the first JVM start on a loaded 2-core machine. */
    static final Duration START = Duration.ofSeconds(90);

    private static final String EOF = "\u0000eof";

    private final String name;
    private final Process process;
    private final BlockingQueue<String> outLines = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> errLines = new LinkedBlockingQueue<>();
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final List<Thread> readers = new ArrayList<>();

    private Proc(String name, Process process) {
        this.name = name;
        this.process = process;
        readers.add(pump(process.getInputStream(), out, outLines));
        readers.add(pump(process.getErrorStream(), err, errLines));
    }

    static Proc start(Path cwd, List<String> command) {
        try {
            return new Proc(String.join(" ", command), new ProcessBuilder(command).directory(cwd.toFile()).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private Thread pump(InputStream in, StringBuffer all, BlockingQueue<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    all.append(line).append('\n');
                    if (lines != null) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                all.append("[read failed: ").append(e).append("]\n");
            } finally {
                if (lines != null) {
                    lines.add(EOF);
                }
            }
        }, "output of " + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Waits for a line of standard output matching {@code pattern} (whole line). */
    Matcher awaitLine(Pattern pattern) throws InterruptedException {
        return await(outLines, pattern, "stdout");
    }

    /** Waits for a line of standard error matching {@code pattern} (whole line). */
    Matcher awaitErrLine(Pattern pattern) throws InterruptedException {
        return await(errLines, pattern, "stderr");
    }

    private Matcher await(BlockingQueue<String> lines, Pattern pattern, String stream) throws InterruptedException {
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null || line.equals(EOF)) {
                fail(name + ": no " + stream + " line matching " + pattern
                        + (line == null ? " within " + START : " before exit") + "\nstdout:\n" + out + "stderr:\n" + err);
            }
            Matcher m = pattern.matcher(line);
            if (m.matches()) {
                return m;
            }
        }
    }

    /** The program's standard input. */
    OutputStream stdin() {
        return process.getOutputStream();
    }

    /** The process id, for signals Java cannot send itself ({@code kill -HUP}). */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, without waiting. */
    void signalTerm() {
        // Through the handle: Process.destroy() also closes our ends of the pipes, losing the last output.
        process.toHandle().destroy();
    }

    /** Waits for the program to end by itself and returns its status. */
    int await() throws InterruptedException {
        assertTrue(process.waitFor(START.toSeconds(), TimeUnit.SECONDS), name + " did not exit\n" + err);
        for (Thread r : readers) {
            r.join(10_000);
        }
        return process.exitValue();
    }

    /** SIGTERM, then the exit status. */
    int terminate() throws InterruptedException {
        signalTerm();
        return await();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /** Runs a program to its end; returns its standard output, failing on a non-zero status. */
    static String run(Path cwd, String... command) throws InterruptedException {
        try (Proc p = start(cwd, List.of(command))) {
            int status = p.await();
            assertTrue(status == 0, String.join(" ", command) + " exited " + status + "\n" + p.err());
            return p.out();
        }
    }

    /** An executable that must be installed; a missing one fails naming its Debian package. */
    static String program(String name, String debianPackage) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        fail(name + " is not installed: install the Debian package " + debianPackage + " (./test does)");
        return null;
    }

    /**
     * A port free a moment ago, for configurations that must name their ports ahead (a cluster naming its
     * backend's); where the port can be 0 and read back from the start-up line, tests do that instead.
     */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
