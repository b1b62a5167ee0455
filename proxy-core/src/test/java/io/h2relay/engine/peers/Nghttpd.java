package io.h2relay.engine.peers;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nghttpd (Debian nghttp2-server) serving a directory over h2c on a free loopback port, for the engine's client side.
 * Started with {@code -v}: its first line says it listens (so no polling for the port), and the frame log it keeps
 * printing is collected for assertions and failure messages.
 */
final class Nghttpd implements AutoCloseable {

    private static final long START_TIMEOUT_MS = 10_000;

    private final Process process;
    private final int port;
    private final StringBuilder log = new StringBuilder();
    private final Thread drain;

    Nghttpd(Path documentRoot, String... options) throws IOException, InterruptedException {
        String executable = Programs.require("nghttpd", "nghttp2-server");
        // A free port can be taken between our probe and nghttpd's bind: then try another.
        for (int attempt = 0; ; attempt++) {
            int candidate = freePort();
            List<String> command = new ArrayList<>(List.of(executable, "--no-tls", "-v", "-a", "127.0.0.1", "-d",
                    documentRoot.toString()));
            command.addAll(List.of(options));
            command.add(Integer.toString(candidate));
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = firstLine(p, lines);
            if (first != null && first.contains("listen 127.0.0.1:" + candidate)) {
                this.process = p;
                this.port = candidate;
                log.append(first).append('\n');
                this.drain = new Thread(() -> collect(lines), "nghttpd-log");
                drain.setDaemon(true);
                drain.start();
                return;
            }
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
            if (attempt == 4) {
                fail("nghttpd did not start: " + first);
            }
        }
    }

    /** The first line nghttpd prints, or null if it exits or stays silent too long. */
    private static String firstLine(Process p, BufferedReader lines) throws InterruptedException {
        String[] line = new String[1];
        Thread reader = new Thread(() -> {
            try {
                line[0] = lines.readLine();
            } catch (IOException e) {
                line[0] = null;
            }
        });
        reader.start();
        reader.join(START_TIMEOUT_MS);
        if (reader.isAlive()) {
            p.destroyForcibly();
            reader.join(START_TIMEOUT_MS);
        }
        return line[0];
    }

    private void collect(BufferedReader lines) {
        try {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (log) {
                    log.append(line).append('\n');
                    log.notifyAll();
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return probe.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Waits (on the log's monitor, no polling) until nghttpd has logged {@code fragment}; fails after a timeout. */
    void awaitLog(String fragment) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (log) {
            while (log.indexOf(fragment) < 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    fail("nghttpd never logged '" + fragment + "':\n" + log);
                }
                log.wait(left);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        drain.join(5_000);
    }
}
