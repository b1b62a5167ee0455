package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The outside HTTP/2 programs the peer tests drive. A missing program fails the test naming its Debian package
 * (DESIGN.md: never skip silently; {@code ./test} installs them).
 */
final class Programs {

    record Result(int exitCode, byte[] stdout, String stderr) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** For assertion messages: both streams, shortened. */
        String describe() {
            String text = "exit " + exitCode + "\nstdout: " + out() + "\nstderr: " + stderr;
            return text.length() > 4000 ? text.substring(0, 4000) + "..." : text;
        }
    }

    private Programs() {
    }

    /** The absolute path of {@code program}, or a failure naming {@code debianPackage}. */
    static String require(String program, String debianPackage) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                Path candidate = Path.of(directory, program);
                if (Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        return fail(program + " is not installed: install the Debian package '" + debianPackage + "' (./test does)");
    }

    /**
     * A python3 that can {@code import h2}. Debian's python3-h2 lives beside /usr/bin/python3, which a pyenv or venv
     * python3 earlier on the PATH does not see, so that one is tried first.
     */
    static String pythonWithH2(Path scratch) throws IOException, InterruptedException {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            if (candidate.startsWith("/") && !Files.isExecutable(Path.of(candidate))) {
                continue;
            }
            try {
                if (run(List.of(candidate, "-c", "import h2"), scratch, 20).exitCode() == 0) {
                    return candidate;
                }
            } catch (IOException notRunnable) {
                // try the next one
            }
        }
        return fail("no python3 can import h2: install the Debian package 'python3-h2' (./test does)");
    }

    /** Runs to completion with stdin closed; output goes through files so neither pipe can block. */
    static Result run(List<String> command, Path scratch, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".bin");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                fail(command + " did not finish within " + timeoutSeconds + " s; stderr so far: "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
        } finally {
            process.destroyForcibly();
        }
        byte[] stdout = Files.readAllBytes(out);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Files.delete(out);
        Files.delete(err);
        return new Result(process.exitValue(), stdout, stderr);
    }
}
