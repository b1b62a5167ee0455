package io.h2relay.origin;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the outside programs the interop tests use (curl, nghttp, h2load, nghttpd). A missing program fails the test
 * with the Debian package that has it, as DESIGN.md asks ({@code ./test} installs them).
 */
public final class Tools {

    private static final Map<String, String> PACKAGES = Map.of("curl", "curl", "nghttp", "nghttp2-client",
            "h2load", "nghttp2-client", "nghttpd", "nghttp2-server", "nginx", "nginx-light");

    private Tools() {}

    /** What a finished program said. */
    public record Result(int exit, byte[] stdout, String stderr) {
        public String out() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }
    }

    /** The absolute path of a program, failing the test with its package name when it is not installed. */
    public static String program(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return fail(name + " is not installed: apt-get install " + PACKAGES.getOrDefault(name, name)
                + " (./test installs it)");
    }

    /** Runs {@code command} (its first word a program name) to completion, at most {@code seconds}. */
    public static Result run(int seconds, String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, program(cmd.get(0)));
        Process process = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        process.getOutputStream().close();
        CompletableFuture<byte[]> out = drain(process.getInputStream());
        CompletableFuture<byte[]> err = drain(process.getErrorStream());
        boolean ended = process.waitFor(seconds, TimeUnit.SECONDS);
        if (!ended) {
            process.destroyForcibly();
            process.waitFor();
        }
        Result r = new Result(process.exitValue(), out.join(), new String(err.join(), StandardCharsets.ISO_8859_1));
        assertTrue(ended, String.join(" ", command) + " did not finish in " + seconds + " s; stderr: " + r.stderr());
        return r;
    }

    /** Starts a long-running program (a server); the caller destroys it. */
    public static Process start(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(command));
        cmd.set(0, program(cmd.get(0)));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                in.transferTo(b);
                return b.toByteArray();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    /** The SHA-256 of {@code /bytes/length}. */
    public static String patternSha256(long length) {
        MessageDigest d = digest();
        byte[] buffer = new byte[64 * 1024];
        for (long p = 0; p < length; ) {
            int n = (int) Math.min(buffer.length, length - p);
            for (int i = 0; i < n; i++) {
                buffer[i] = BodyPattern.at(p + i);
            }
            d.update(buffer, 0, n);
            p += n;
        }
        return HexFormat.of().formatHex(d.digest());
    }

    /** Writes {@code /bytes/length}'s content to a file (an upload source). */
    public static Path patternFile(Path dir, long length) throws IOException {
        Path file = dir.resolve("pattern-" + length);
        try (var out = Files.newOutputStream(file)) {
            byte[] buffer = new byte[64 * 1024];
            for (long p = 0; p < length; ) {
                int n = (int) Math.min(buffer.length, length - p);
                for (int i = 0; i < n; i++) {
                    buffer[i] = BodyPattern.at(p + i);
                }
                out.write(buffer, 0, n);
                p += n;
            }
        }
        return file;
    }

    public static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
