package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gzip responses from nginx (Debian nginx-light), over h2c and HTTP/1.1, decoded transparently or not. */
class NginxGzipTest {

    @TempDir
    static Path directory;

    private static ExternalProgram nginx;
    private static int h2cPort;
    private static int http1Port;
    private static byte[] text;
    private static H2Client client;

    @BeforeAll
    static void startNginx() throws Exception {
        String program = ExternalProgram.require("nginx", "nginx-light");
        Path www = Files.createDirectories(directory.resolve("www"));
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20000; i++) {
            sb.append("line ").append(i).append(": the quick brown fox jumps over the lazy dog\n");
        }
        text = sb.toString().getBytes(StandardCharsets.UTF_8);
        Files.write(www.resolve("text.txt"), text);
        h2cPort = ExternalProgram.freePort();
        http1Port = ExternalProgram.freePort();
        String d = directory.toString();
        String conf = """
                daemon off;
                master_process off;
                worker_processes 1;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    types { text/plain txt; }
                    gzip on;
                    gzip_types text/plain;
                    gzip_min_length 1;
                    server {
                        listen 127.0.0.1:%2$d http2;
                        listen 127.0.0.1:%3$d;
                        root %1$s/www;
                    }
                }
                """.formatted(d, h2cPort, http1Port);
        Path file = directory.resolve("nginx.conf");
        Files.writeString(file, conf);
        nginx = ExternalProgram.start(List.of(program, "-p", d, "-e", d + "/error.log", "-c", file.toString()),
                directory, h2cPort);
        client = H2Client.create();
    }

    @AfterAll
    static void stop() {
        try {
            if (client != null) {
                client.close();
            }
        } finally {
            if (nginx != null) {
                nginx.close();
            }
        }
    }

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void decodesGzipOverH2cByDefault() throws Exception {
        try (ClientConnection c = await(client.connect(URI.create("h2c://127.0.0.1:" + h2cPort)))) {
            Response r = await(c.send(Request.get("/text.txt")));
            assertEquals("gzip", r.headers().first("content-encoding"), "nginx compressed it");
            assertArrayEquals(text, await(r.bytes()));
        }
    }

    @Test
    void decodingCanBeTurnedOffPerRead() throws Exception {
        try (ClientConnection c = await(client.connect(URI.create("h2c://127.0.0.1:" + h2cPort)))) {
            Response r = await(c.send(Request.get("/text.txt")));
            byte[] raw = r.inputStream(false).readAllBytes();
            assertTrue(raw.length < text.length / 4, "compressed: " + raw.length + " of " + text.length);
            assertEquals(0x1f, raw[0] & 0xff);
            assertEquals(0x8b, raw[1] & 0xff);
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                assertArrayEquals(text, in.readAllBytes());
            }
        }
    }

    @Test
    void decodesGzipFrameByFrameOverHttp11Too() throws Exception {
        try (ClientConnection c = await(client.connect(URI.create("http://127.0.0.1:" + http1Port)))) {
            Response r = await(c.send(Request.get("/text.txt")));
            assertEquals("http/1.1", r.protocol());
            assertEquals("gzip", r.headers().first("content-encoding"));
            assertArrayEquals(text, r.inputStream().readAllBytes());
        }
    }

    @Test
    void aRequestThatAsksForIdentityGetsItUncompressed() throws Exception {
        try (ClientConnection c = await(client.connect(URI.create("h2c://127.0.0.1:" + h2cPort)))) {
            Response r = await(c.send(Request.builder("GET", "/text.txt").header("accept-encoding", "identity")
                    .build()));
            assertNull(r.headers().first("content-encoding"));
            assertArrayEquals(text, await(r.bytes()));
        }
    }
}
