package io.h2relay.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.h2relay.tls.ClientTls;
import io.h2relay.tls.SelfSignedCertificate;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against nghttpd (Debian nghttp2-server), a server nobody here wrote. */
// Servers opened in try-with-resources only to be closed at its end.
@SuppressWarnings("try")
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

    private static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private ClientConnection connect(H2Client c, int port) throws Exception {
        return await(c.connect(URI.create("h2c://127.0.0.1:" + port)));
    }

    private Path docroot() throws IOException {
        Path docroot = Files.createDirectories(directory.resolve("docs"));
        Files.writeString(docroot.resolve("index.html"), "<html>index</html>\n");
        Files.writeString(docroot.resolve("hello.txt"), "hello nghttpd\n");
        return docroot;
    }

    private static void writePattern(Path file, long length, int seed) throws IOException {
        try (InputStream in = Patterns.stream(length, seed)) {
            Files.copy(in, file);
        }
    }

    @Test
    void getsAFileOverH2cAndPings() throws Exception {
        Path docroot = docroot();
        int port = ExternalProgram.freePort();
        try (ExternalProgram server = nghttpd(docroot, port, "--trailer", "x-served-by: nghttpd");
                ClientConnection c = connect(client, port)) {
            assertEquals("h2c", c.protocol());
            Response r = await(c.send(Request.get("/hello.txt")));
            assertEquals(200, r.status());
            assertEquals("h2c", r.protocol());
            assertEquals("hello nghttpd\n", new String(await(r.bytes()), StandardCharsets.UTF_8));
            assertEquals("nghttpd", await(r.trailers()).first("x-served-by"));
            Duration rtt = await(c.ping());
            assertTrue(!rtt.isNegative() && rtt.compareTo(Duration.ofSeconds(30)) < 0, rtt.toString());
        }
    }

    @Test
    void downloadsFiftyMebibytesByteExact() throws Exception {
        Path docroot = docroot();
        long size = 50L << 20;
        writePattern(docroot.resolve("big.bin"), size, 11);
        byte[] expected;
        try (InputStream in = Files.newInputStream(docroot.resolve("big.bin"))) {
            expected = Patterns.sha256(in);
        }
        int port = ExternalProgram.freePort();
        try (ExternalProgram server = nghttpd(docroot, port); ClientConnection c = connect(client, port)) {
            Response r = await(c.send(Request.get("/big.bin")));
            assertEquals(Long.toString(size), r.headers().first("content-length"));
            CountingStream counted = new CountingStream(r.inputStream());
            assertArrayEquals(expected, Patterns.sha256(counted), "the downloaded bytes differ from the file");
            assertEquals(size, counted.count);
        }
    }

    @Test
    void uploadsFromAnInputStreamInWindowSizedFramesAndGetsItEchoedByteExact() throws Exception {
        long size = 10L << 20;
        int port = ExternalProgram.freePort();
        // -w 16: nghttpd's stream windows are 65,535 octets, so the upload waits on WINDOW_UPDATEs throughout.
        try (ExternalProgram server = nghttpd(docroot(), port, "--echo-upload", "-w", "16", "-v");
                ClientConnection c = connect(client, port)) {
            Request request = Request.builder("POST", "/upload").body(RequestBody.from(Patterns.stream(size, 5)))
                    .build();
            Response r = await(c.send(request));
            assertEquals(200, r.status());
            CountingStream counted = new CountingStream(r.inputStream());
            assertArrayEquals(Patterns.sha256(Patterns.stream(size, 5)), Patterns.sha256(counted));
            assertEquals(size, counted.count);
            List<Integer> frames = new ArrayList<>();
            Matcher m = Pattern.compile("recv DATA frame <length=(\\d+), flags=0x0[01], stream_id=1>")
                    .matcher(server.log());
            while (m.find()) {
                frames.add(Integer.parseInt(m.group(1)));
            }
            assertEquals(size, frames.stream().mapToLong(Integer::longValue).sum(), "nghttpd's log of DATA frames");
            // As large as the limits allow (16 KiB frames, 65,535-octet windows), not hyper's 1 KiB chunks: at most
            // one frame per window beyond the minimum count.
            long minimum = (size + 16383) / 16384;
            assertTrue(frames.size() <= minimum + minimum / 4, frames.size() + " DATA frames for " + size
                    + " bytes; the minimum is " + minimum);
            assertTrue(frames.stream().allMatch(n -> n <= 16384), "no frame above SETTINGS_MAX_FRAME_SIZE");
        }
    }

    @Test
    void requestsBeyondMaxConcurrentStreamsWaitForAStream() throws Exception {
        int port = ExternalProgram.freePort();
        try (ExternalProgram server = nghttpd(docroot(), port, "-m", "1", "-v");
                ClientConnection c = connect(client, port)) {
            List<CompletableFuture<Response>> responses = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                responses.add(c.send(Request.get("/hello.txt")).toCompletableFuture());
            }
            for (CompletableFuture<Response> f : responses) {
                Response r = await(f);
                assertEquals(200, r.status());
                assertEquals("hello nghttpd\n", new String(await(r.bytes()), StandardCharsets.UTF_8));
            }
            assertFalse(server.log().contains("send RST_STREAM"), "nghttpd refused a stream:\n" + server.log());
        }
    }

    @Test
    void receivesAPushFromNghttpdAndCancelsOneWithRstStreamCancel() throws Exception {
        Path docroot = docroot();
        Files.writeString(docroot.resolve("pushed.txt"), "pushed by nghttpd\n");
        writePattern(docroot.resolve("large.bin"), 1 << 20, 2);
        ClientConfig config = ClientConfig.builder().enablePush(true).initialWindowSize(65535).build();
        int port = ExternalProgram.freePort();
        try (H2Client own = H2Client.create(config);
                ExternalProgram server = nghttpd(docroot, port, "-v", "-p/=/pushed.txt", "-p/hello.txt=/large.bin");
                ClientConnection c = connect(own, port)) {
            Response index = await(c.send(Request.get("/")));
            assertEquals("<html>index</html>\n", new String(await(index.bytes()), StandardCharsets.UTF_8));
            List<PushPromise> pushes = await(index.allPushes());
            assertEquals(1, pushes.size());
            PushPromise push = pushes.get(0);
            assertEquals("/pushed.txt", push.path());
            assertEquals("GET", push.method());
            assertEquals("http", push.scheme());
            Response pushed = await(push.response());
            assertEquals(200, pushed.status());
            assertEquals("pushed by nghttpd\n", new String(await(pushed.bytes()), StandardCharsets.UTF_8));

            Response hello = await(c.send(Request.get("/hello.txt")));
            await(hello.bytes());
            PushPromise large = await(hello.allPushes()).get(0);
            assertEquals("/large.bin", large.path());
            large.cancel(); // its 64 KiB window is full and unread: nghttpd is still sending
            await(c.ping()); // nghttpd handles frames in order: the RST_STREAM was received before the PING
            assertTrue(server.log().contains("recv RST_STREAM frame <length=4, flags=0x00, stream_id="
                    + large.streamId() + ">\n          (error_code=CANCEL(0x08))"), server.log());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> await(await(large.response()).bytes()));
            assertInstanceOf(StreamResetException.class, e.getCause());
        }
    }

    @Test
    void negotiatesH2WithAlpnOverTls() throws Exception {
        SelfSignedCertificate.Stored certificate = SelfSignedCertificate.loadOrCreate(directory.resolve("tls"));
        String program = ExternalProgram.require("nghttpd", "nghttp2-server");
        int port = ExternalProgram.freePort();
        ClientConfig config = ClientConfig.builder()
                .tls(ClientTls.Settings.defaults().withTrust(ClientTls.Trust.caBundle(certificate.certificateFile())))
                .build();
        try (H2Client own = H2Client.create(config);
                ExternalProgram server = ExternalProgram.start(List.of(program, "-a", "127.0.0.1", "-d",
                        docroot().toString(), Integer.toString(port), certificate.keyFile().toString(),
                        certificate.certificateFile().toString()), directory, port);
                ClientConnection c = await(own.connect(URI.create("https://127.0.0.1:" + port)))) {
            assertEquals("h2", c.protocol());
            Response r = await(c.send(Request.get("/hello.txt")));
            assertEquals("h2", r.protocol());
            assertEquals(1, r.streamId());
            assertEquals("hello nghttpd\n", new String(await(r.bytes()), StandardCharsets.UTF_8));
        }
    }

    /** Counts what passes through. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
