package io.h2relay.tls;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the command-line tools the interop tests use; a missing tool fails the test naming its Debian package. */
final class ExternalProgram {

    record Result(int exitCode, String stdout, String stderr) {
    }

    private ExternalProgram() {
    }

    /** Fails unless {@code program} is on the PATH. */
    static void require(String program, String debianPackage) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                if (Files.isExecutable(Path.of(directory, program))) {
                    return;
                }
            }
        }
        fail(program + " is not installed: install the Debian package '" + debianPackage + "' (./test does)");
    }

    /** Runs to completion with stdin closed; output captured through files so neither pipe can block. */
    static Result run(List<String> command, Path scratch) throws IOException, InterruptedException {
        Path out = Files.createTempFile(scratch, "out", ".txt");
        Path err = Files.createTempFile(scratch, "err", ".txt");
        Process process = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command + " did not finish");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
