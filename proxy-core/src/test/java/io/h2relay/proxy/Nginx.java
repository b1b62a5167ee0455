package io.h2relay.proxy;

import io.h2relay.origin.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * nginx (Debian nginx-light) in the foreground as a test backend: one process ({@code master_process off}, so no
 * worker user needs to read the temporary directory), its logs and temp files in {@code dir}, on a free port.
 */
final class Nginx implements AutoCloseable {

    private final Process process;
    final int port;

    /** {@code server} is the inside of the {@code server { }} block, after {@code listen}. */
    Nginx(Path dir, String listenSuffix, String server) throws IOException {
        Tools.program("nginx");
        this.port = ProxyFixture.freePort();
        Files.createDirectories(dir.resolve("logs"));
        String conf = """
                master_process off;
                daemon off;
                worker_processes 1;
                error_log %1$s/logs/error.log warn;
                pid %1$s/logs/nginx.pid;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    default_type application/octet-stream;
                    server {
                        listen 127.0.0.1:%2$d%3$s;
                        root %1$s/www;
                %4$s
                    }
                }
                """.formatted(dir, port, listenSuffix, server);
        Files.createDirectories(dir.resolve("www"));
        Path file = dir.resolve("nginx.conf");
        Files.writeString(file, conf);
        process = Tools.start("nginx", "-p", dir.toString(), "-c", file.toString());
        ProxyFixture.awaitListening(process, "nginx", port);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }
}
