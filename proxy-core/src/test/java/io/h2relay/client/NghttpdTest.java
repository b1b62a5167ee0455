package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against nghttpd (Debian nghttp2-server), a server nobody here wrote. */
class NghttpdTest {

    private static H2Client client;

    @TempDir
    Path directory;

    @BeforeAll
    static void startClient() {
        client = H2Client.create();
    }

    @AfterAll
    static void stopClient() {
        client.close();
    }

    private ExternalProgram nghttpd(Path docroot, int port, String... options) throws Exception {
        String program = ExternalProgram.require("nghttpd", "nghttp2-server");
        List<String> command = new ArrayList<>(List.of(program, "--no-tls", "-a", "127.0.0.1", "-d",
                docroot.toString()));
        command.addAll(List.of(options));
        command.add(Integer.toString(port));
        return ExternalProgram.start(command, directory, port);
    }

    @Test
    void getsAFileOverH2c() throws Exception {
        Path docroot = Files.createDirectories(directory.resolve("docs"));
        Files.writeString(docroot.resolve("hello.txt"), "hello nghttpd\n");
        int port = ExternalProgram.freePort();
        try (ExternalProgram server = nghttpd(docroot, port);
                ClientConnection c = client.connect(URI.create("h2c://127.0.0.1:" + port))
                        .toCompletableFuture().get(10, TimeUnit.SECONDS)) {
            assertEquals("h2c", c.protocol());
            Response r = c.send(Request.get("/hello.txt")).toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertEquals(200, r.status());
            assertEquals("hello nghttpd\n", new String(r.bytes().toCompletableFuture().get(10, TimeUnit.SECONDS),
                    StandardCharsets.UTF_8));
        }
    }
}
