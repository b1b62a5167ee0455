package io.h2relay.app;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * nghttpd (Debian nghttp2-server) over h2c on a free loopback port with {@code -v}: its first line says it listens,
 * and its frame log, complete once {@link #close()} returned, shows what it received.
 */
final class Nghttpd implements AutoCloseable {

    private final Process process;
    final int port;
    private final StringBuilder log = new StringBuilder();
    private final Thread drain;

    Nghttpd(Path documentRoot) throws Exception {
        String executable = Proc.program("nghttpd", "nghttp2-server");
        for (int attempt = 0; ; attempt++) {
            int candidate;
            try (ServerSocket s = new ServerSocket(0)) {
                candidate = s.getLocalPort();
            }
            Process p = new ProcessBuilder(executable, "--no-tls", "-v", "-a", "127.0.0.1", "-d",
                    documentRoot.toString(), Integer.toString(candidate)).redirectErrorStream(true).start();
            BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8));
            String first = CompletableFuture.supplyAsync(() -> {
                try {
                    return lines.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).completeOnTimeout(null, 10, TimeUnit.SECONDS).join();
            if (first != null && first.contains("listen 127.0.0.1:" + candidate)) {
                process = p;
                port = candidate;
                drain = new Thread(() -> {
                    try {
                        for (String line; (line = lines.readLine()) != null; ) {
                            synchronized (log) {
                                log.append(line).append('\n');
                            }
                        }
                    } catch (IOException e) {
                        // The process went away: the log is what it printed.
                    }
                }, "nghttpd-log");
                drain.start();
                return;
            }
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            if (attempt == 4) {
                fail("nghttpd did not start: " + first);
            }
        }
    }

    /** Its frame log; complete after {@link #close()}. */
    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        drain.join(5000);
    }
}
